//! A simulated Camunda 8 Orchestration Cluster: the identity API of the
//! reference (`/v2`), in memory, behind a real HTTP server. Writes are
//! checked against a primary store; reads see a secondary copy that catches
//! up after a lag, as Camunda's exporter-fed search storage does.

pub(crate) mod access;
pub(crate) mod api;
pub mod audit;
pub(crate) mod cluster;
pub(crate) mod defaults;
pub(crate) mod engine;
pub(crate) mod faults;
pub mod init;
pub mod oidc;
pub(crate) mod request;
pub(crate) mod search;
pub(crate) mod server;
pub(crate) mod store;

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;

use crate::model::catalogue::CamundaVersion;
use crate::model::state::Secret;
use crate::sim::access::Caller;
use crate::sim::api::{Api, Switches};
use crate::sim::audit::{AuditLog, AuditSettings};
use crate::sim::cluster::Cluster;
use crate::sim::engine::{Engine, EngineConfig};
use crate::sim::faults::Faults;
use crate::sim::oidc::{OidcSettings, Verifier};
use crate::sim::server::{Authentication, Running, Server};
use crate::sim::store::{EntityType, MemberRow, Relation, Store};

/// How the simulated cluster authenticates callers.
#[derive(Debug, Clone)]
pub enum AuthMode {
    /// No authentication.
    None,
    /// HTTP Basic against the cluster's users.
    Basic,
    /// OIDC bearer tokens.
    Oidc(OidcSettings),
}

/// Everything that configures a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Camunda version simulated.
    pub version: CamundaVersion,
    /// Delay before writes are visible to reads.
    pub lag: Duration,
    /// Authentication.
    pub auth: AuthMode,
    /// Enforce authorizations; default: on unless authentication is off.
    pub checks: Option<bool>,
    /// Clients made members of the `admin` role at start-up.
    pub admin_clients: Vec<String>,
    /// Users created and made members of `admin` at start-up.
    pub admin_users: Vec<(String, Secret)>,
    /// Camunda's `camunda.security.initialization` section.
    pub init: Option<Value>,
    /// A whole state to start from instead of a fresh cluster.
    pub seed: Option<Store>,
    /// The tenants API is on.
    pub tenants_api: bool,
    /// Default roles and the default tenant are read-only.
    pub protected_defaults: bool,
    /// `camunda.security.id-validation-pattern`; `None`: Camunda's default.
    pub id_pattern: Option<String>,
    /// Serve HTTPS with this PEM certificate chain and private key.
    pub tls: Option<(Vec<u8>, Vec<u8>)>,
    /// `camunda.data.audit-log` (8.9 and later; 8.8 has no audit log).
    pub audit: AuditSettings,
}

impl SimConfig {
    /// A fresh cluster of `version` with no lag, no authentication.
    pub fn new(version: CamundaVersion) -> Self {
        SimConfig {
            version,
            lag: Duration::ZERO,
            auth: AuthMode::None,
            checks: None,
            admin_clients: Vec::new(),
            admin_users: Vec::new(),
            init: None,
            seed: None,
            tenants_api: true,
            protected_defaults: false,
            id_pattern: None,
            tls: None,
            audit: AuditSettings::default(),
        }
    }

    fn engine(&self) -> Engine {
        let oidc = matches!(self.auth, AuthMode::Oidc(_));
        let groups_claim = matches!(&self.auth, AuthMode::Oidc(s) if s.groups_claim.is_some());
        Engine {
            config: EngineConfig {
                version: self.version,
                internal_users: !oidc,
                internal_groups: !groups_claim,
                protected_defaults: self.protected_defaults,
            },
        }
    }

    /// The state the simulator starts with.
    pub fn initial_store(&self) -> Result<Store, String> {
        if let Some(seed) = &self.seed {
            return Ok(seed.clone());
        }
        let engine = self.engine();
        let mut store = Store::default();
        defaults::fresh_cluster(&mut store, self.version);
        let admin = |store: &mut Store, entity_type: EntityType, id: &str| {
            let row = MemberRow {
                relation: Relation::Role,
                relation_id: "admin".to_owned(),
                entity_type,
                entity_id: id.to_owned(),
            };
            if let Ok((mutations, ())) = engine.add_member(store, &Caller::Unchecked, row) {
                for m in &mutations {
                    store.apply(m);
                }
            }
        };
        for (username, password) in &self.admin_users {
            if let Ok((mutations, _)) = engine.create_user(
                &mut store,
                &Caller::Unchecked,
                username,
                Some(username),
                None,
                password.expose(),
            ) {
                for m in &mutations {
                    store.apply(m);
                }
            }
            admin(&mut store, EntityType::User, username);
        }
        for client in &self.admin_clients {
            admin(&mut store, EntityType::Client, client);
        }
        if let Some(init) = &self.init {
            init::apply(&mut store, &engine, init)?;
        }
        Ok(store)
    }

    fn server(&self) -> Result<Server, String> {
        let (authentication, users_api, groups_api) = match &self.auth {
            AuthMode::None => (Authentication::None, true, true),
            AuthMode::Basic => (Authentication::Basic, true, true),
            AuthMode::Oidc(settings) => (
                Authentication::Oidc(Box::new(Verifier::new(settings.clone()))),
                false,
                settings.groups_claim.is_none(),
            ),
        };
        let checks = self.checks.unwrap_or(!matches!(self.auth, AuthMode::None));
        let mut cluster = Cluster::new(self.initial_store()?, self.lag);
        if self.version >= CamundaVersion::V8_9 {
            cluster = cluster.with_audit(AuditLog::new(self.audit.clone()));
        }
        Ok(Server {
            api: Api {
                cluster,
                engine: self.engine(),
                switches: Switches {
                    tenants_api: self.tenants_api,
                    groups_api,
                    users_api,
                },
                id_rules: match &self.id_pattern {
                    Some(pattern) => request::IdRules::custom(pattern)?,
                    None => request::IdRules::default(),
                },
            },
            faults: Faults::default(),
            authentication,
            checks,
        })
    }

    /// Starts the simulator on `listen` (port 0 picks a free port) in the
    /// current tokio runtime.
    pub async fn start(&self, listen: SocketAddr) -> Result<Running, String> {
        let server = self.server()?;
        let tls = match &self.tls {
            Some((cert, key)) => Some(server::tls_acceptor(cert, key)?),
            None => None,
        };
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        Ok(server::spawn(server, listener, tls))
    }
}

/// A simulator on its own runtime thread, for synchronous callers (tests,
/// and commands that run against an embedded cluster).
pub struct Background {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Whether it serves HTTPS.
    pub tls: bool,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Background")
            .field("addr", &self.addr)
            .finish()
    }
}

impl Background {
    /// Starts a simulator on a loopback port of its own.
    pub fn start(config: SimConfig) -> Result<Background, String> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("camunda-access-sim".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("cannot start a runtime: {e}")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let listen: SocketAddr = "127.0.0.1:0".parse().expect("valid address");
                    match config.start(listen).await {
                        Ok(running) => {
                            let _ = ready_tx.send(Ok((running.addr, running.tls)));
                            let _ = stop_rx.await;
                            running.stop().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| format!("cannot start the simulator thread: {e}"))?;
        let (addr, tls) = ready_rx
            .recv()
            .map_err(|_| "the simulator thread ended before it was ready".to_owned())??;
        Ok(Background {
            addr,
            tls,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// `http://HOST:PORT`, or `https://localhost:PORT` when serving TLS
    /// (certificates name `localhost`).
    pub fn url(&self) -> String {
        if self.tls {
            format!("https://localhost:{}", self.addr.port())
        } else {
            format!("http://{}", self.addr)
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
