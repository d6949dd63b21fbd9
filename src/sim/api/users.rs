//! Users: create, the initial admin user, update, read and search.

use serde_json::json;

use crate::model::catalogue::{CamundaVersion, ResourceType};
use crate::sim::access::Caller;
use crate::sim::api::json::user_json;
use crate::sim::api::{Api, Reply, Result, forbidden_read, not_found};
use crate::sim::engine::Rejection;
use crate::sim::request::{object, optional_json, string};
use crate::sim::search::{FilterKind, Item, Query, Spec};
use crate::sim::store::{EntityType, MemberRow, Relation};

const USER_SEARCH: Spec = Spec {
    filters: &[
        ("username", "username", FilterKind::String),
        ("name", "name", FilterKind::String),
        ("email", "email", FilterKind::String),
    ],
    sort_fields: &["username", "name", "email"],
    default_sort: Some("username"),
};

impl Api {
    pub(super) fn create_user(&self, body: &[u8], caller: &Caller) -> Result<Reply> {
        let map = object(body, &["username", "password", "name", "email"])?;
        let username = string(&map, "username")?;
        let password = string(&map, "password")?;
        let name = string(&map, "name")?;
        let email = string(&map, "email")?;
        let mut v = self.violations();
        let username = v.id("username", username);
        let password = v.required("password", password);
        v.email(email.as_deref());
        v.finish()?;
        let user = self.write(caller, |store| {
            let (mut mutations, user) = self.engine.create_user(
                store,
                caller,
                &username,
                name.as_deref(),
                email.as_deref(),
                &password,
            )?;
            mutations.push(self.engine.user_self_authorization(store, &username));
            Ok((mutations, user))
        })?;
        Ok(Reply::json(
            201,
            user_json(&username, &user, self.version()),
        ))
    }

    pub(super) fn setup_user(&self, body: &[u8]) -> Result<Reply> {
        if !self.switches.users_api {
            return Err(Rejection::new(
                403,
                "FORBIDDEN",
                "Creating an admin user is only possible when users are managed by Camunda.",
            ));
        }
        let has_admin_user = self.cluster.read_primary(|store| {
            store
                .members_of(Relation::Role, "admin", EntityType::User)
                .next()
                .is_some()
        });
        // `UserCreateInitialAdminProcessor` rejects every failure as FORBIDDEN.
        let forbidden = |reason: &str| {
            Rejection::new(
                403,
                "FORBIDDEN",
                format!("Command 'CREATE_INITIAL_ADMIN' rejected with code 'FORBIDDEN': {reason}"),
            )
        };
        if has_admin_user {
            return Err(forbidden(
                "Expected to create admin user, but role with id 'admin' already has one or more user assigned to it",
            ));
        }
        let reply =
            self.create_user(body, &Caller::Unchecked)
                .map_err(|rejection| match rejection.status {
                    409 => forbidden(
                        rejection
                            .detail
                            .split_once(": ")
                            .map_or(rejection.detail.as_str(), |(_, reason)| reason),
                    ),
                    _ => rejection,
                })?;
        let username = reply
            .body
            .as_ref()
            .and_then(|b| b["username"].as_str())
            .unwrap_or_default()
            .to_owned();
        self.write(&Caller::Unchecked, |store| {
            self.engine.add_member(
                store,
                &Caller::Unchecked,
                MemberRow {
                    relation: Relation::Role,
                    relation_id: "admin".to_owned(),
                    entity_type: EntityType::User,
                    entity_id: username,
                },
            )
        })?;
        Ok(reply)
    }

    pub(super) fn update_user(
        &self,
        username: &str,
        body: &[u8],
        caller: &Caller,
    ) -> Result<Reply> {
        let map = object(body, &["password", "name", "email"])?;
        let password = string(&map, "password")?;
        let name = string(&map, "name")?;
        let email = string(&map, "email")?;
        let mut v = self.violations();
        v.email(email.as_deref());
        v.finish()?;
        let user = self.write(caller, |store| {
            self.engine.update_user(
                store,
                caller,
                username,
                name.as_deref(),
                email.as_deref(),
                password.as_deref(),
            )
        })?;
        Ok(Reply::json(200, user_json(username, &user, self.version())))
    }

    pub(super) fn get_user(&self, username: &str, caller: &Caller) -> Result<Reply> {
        let allowed = self.cluster.read_both(|primary, secondary| {
            caller.may_read(primary, secondary, ResourceType::User, Some(username))
        });
        if !allowed {
            return Err(forbidden_read(ResourceType::User));
        }
        let version = self.version();
        self.cluster.read(|store| {
            store
                .users
                .get(username)
                .map(|u| Reply::read(user_json(username, u, version)))
                .ok_or_else(|| not_found(format!("User with username '{username}' not found")))
        })
    }

    pub(super) fn search_users(&self, body: &[u8], caller: &Caller) -> Result<Reply> {
        let query = Query::parse(optional_json(body)?.as_ref(), &USER_SEARCH)?;
        let readable = self.readable(caller, ResourceType::User);
        let version = self.version();
        let items = self.cluster.read(|store| {
            store
                .users
                .iter()
                .filter(|(id, _)| readable.contains(id))
                .map(|(id, u)| Item {
                    // Search on the stored values; null fields do not match filters.
                    json: json!({"username": id, "name": u.name, "email": u.email}),
                    key: u.key,
                })
                .collect::<Vec<_>>()
        });
        let mut result = query.run(items, version);
        if version == CamundaVersion::V8_8
            && let Some(items) = result["items"].as_array_mut()
        {
            for item in items {
                for field in ["name", "email"] {
                    if item[field].is_null() {
                        item[field] = json!("");
                    }
                }
            }
        }
        Ok(Reply::read(result))
    }
}
