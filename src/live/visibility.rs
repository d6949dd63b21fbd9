//! Blind spots. Camunda filters every search by the caller's `READ`
//! permission: a principal that may not read authorizations gets an empty
//! authorization search, not a 403. A read that cannot see a kind must not
//! be taken for a cluster without it — a plan would re-create what exists,
//! drift would call it missing, an export would leave it out.
//!
//! Evidence of a filtered read: what every cluster holds is missing (the
//! built-in `admin` role; the `<default>` tenant while the tenants API is
//! on; the built-in roles' own authorizations), or a `GET` of an object the
//! read did not return answers 403 instead of 404.

use std::fmt;

use std::sync::Arc;

use reqwest::Method;
use tokio::task::JoinSet;

use crate::live::api::AccessApi;
use crate::live::client::segment;
use crate::live::reader::Live;
use crate::model::catalogue::{BUILT_IN_ROLES, DEFAULT_TENANT, ResourceType};
use crate::model::desired::Kind;
use crate::model::state::Principal;

/// A kind the principal cannot see all of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blind {
    /// The resource type whose `READ` it lacks.
    pub resource_type: ResourceType,
    /// What shows it.
    pub evidence: String,
}

impl fmt::Display for Blind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot see all of {}: {}",
            self.resource_type, self.evidence
        )
    }
}

/// What the read itself shows: built-ins every cluster holds are missing.
pub fn blind_spots(live: &Live) -> Vec<Blind> {
    let s = &live.state;
    let mut blind = Vec::new();
    if !s.roles.contains_key(&"admin".into()) {
        blind.push(Blind {
            resource_type: ResourceType::Role,
            evidence: "the role search did not return the built-in role admin".to_owned(),
        });
    }
    if !live.disabled.contains(&Kind::Tenants) && !s.tenants.contains_key(&DEFAULT_TENANT.into()) {
        blind.push(Blind {
            resource_type: ResourceType::Tenant,
            evidence: "the tenant search did not return the <default> tenant".to_owned(),
        });
    }
    let built_in_grants = s
        .authorizations
        .keys()
        .any(|t| matches!(&t.owner, Principal::Role(r) if BUILT_IN_ROLES.contains(&r.as_str())));
    if !built_in_grants {
        blind.push(Blind {
            resource_type: ResourceType::Authorization,
            evidence: "the authorization search returned none of the built-in roles' own grants"
                .to_owned(),
        });
    }
    blind
}

/// Objects the read did not return, asked for: the first of each resource
/// type, all at once (one round trip). A 403 means the principal may not
/// read them, so the search hid them. `objects` are (resource type, API
/// path below `/v2`).
pub async fn probe<A: AccessApi>(client: Arc<A>, objects: &[(ResourceType, String)]) -> Vec<Blind> {
    let mut asked: Vec<ResourceType> = Vec::new();
    let mut answers = JoinSet::new();
    for (resource_type, path) in objects {
        if asked.contains(resource_type) {
            continue;
        }
        asked.push(*resource_type);
        let (client, resource_type, path) = (client.clone(), *resource_type, path.clone());
        answers.spawn(async move {
            let answer = client.send(Method::GET, &path, None).await;
            (resource_type, path, answer)
        });
    }
    let mut blind = Vec::new();
    while let Some(joined) = answers.join_next().await {
        let (resource_type, path, answer) = joined.expect("probes do not panic");
        if let Err(e) = answer
            && e.status() == Some(403)
        {
            blind.push(Blind {
                resource_type,
                evidence: format!("GET /v2{path} answered 403 where the search showed nothing"),
            });
        }
    }
    blind.sort_by_key(|b| b.resource_type);
    blind
}

/// The path of one object for [`probe`], or `None` when its ID cannot be
/// one URL segment (`.` and `..` resolve as paths).
pub fn object_path(collection: &str, id: &str) -> Option<String> {
    (id != "." && id != ".." && !id.is_empty()).then(|| format!("/{collection}/{}", segment(id)))
}

/// The refusal for blind reads: which permission to grant.
pub fn refusal(blind: &[Blind]) -> String {
    let grants: Vec<String> = blind
        .iter()
        .map(|b| format!("{} READ", b.resource_type))
        .collect();
    let evidence: Vec<String> = blind.iter().map(ToString::to_string).collect();
    format!(
        "the principal this tool runs as cannot read everything it must compare ({}); Camunda hides what a principal may not read instead of refusing, so the cluster would look emptier than it is. Grant it {} on `*` and run again (or, for a cluster that really lacks these built-ins, pass --no-visibility-check)",
        evidence.join("; "),
        grants.join(", ")
    )
}
