//! One change as one HTTP request, and how to read an answer that looks
//! like failure but means the change already happened.
//!
//! The reference (§3.4) gives the server's own strongly consistent checks:
//! a repeated create answers 409, a repeated assign 409, a repeated
//! unassign or delete 404. Those settle a write whose outcome is unknown
//! (a timeout, a dropped connection) without trusting a lagging read.

use reqwest::Method;
use serde_json::{Value, json};

use crate::live::client::segment;
use crate::model::entity::{Entity, EntityRef};
use crate::model::state::{AuthorizationTuple, Container, Principal, ResourceSelector};
use crate::plan::Change;

/// What an error answer to a (repeated) request tells.
#[derive(Debug, Clone, PartialEq)]
pub enum Idempotence {
    /// The request can simply be sent again (PUT of a whole value).
    Repeatable,
    /// 409: it exists already. For an entity, the update that follows
    /// makes its attributes the desired ones; its success means done, and
    /// its 404 means the 409 was about something else (a mapping rule's
    /// claim pair held by another rule).
    ConflictThenUpdate(Box<Write>),
    /// 409: the membership exists (first attempt or repetition alike).
    ConflictMeansDone,
    /// 409: Camunda's duplicate rule says an authorization of this owner on
    /// this resource exists already — made by an earlier attempt whose
    /// answer was lost, by an earlier run the cluster's reads did not show
    /// yet, or by someone else. It is looked up (waiting out the read lag,
    /// a few seconds at most) and, when its permissions differ, given the
    /// desired ones with a `PUT`, as a plan that had seen it would; not
    /// found, the 409 is a failure. Never created twice.
    ConflictOnRepeatMeansDone,
    /// 404: it is gone already.
    NotFoundMeansDone,
}

/// One write.
#[derive(Clone, PartialEq)]
pub struct Write {
    /// HTTP method.
    pub method: Method,
    /// Path relative to `/v2`, segments encoded.
    pub path: String,
    /// JSON body. May hold a user's password: never printed.
    pub body: Option<Value>,
    /// How to read the answer to a repetition.
    pub idempotence: Idempotence,
    /// Body fields the files do not manage but the request must carry
    /// (Camunda replaces a user's name and e-mail together): just before
    /// sending, they are filled with the entity's live values, read with a
    /// `GET` of the same path.
    pub live_fields: Vec<&'static str>,
}

impl std::fmt::Debug for Write {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body may hold a password: never shown.
        f.debug_struct("Write")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("live_fields", &self.live_fields)
            .finish_non_exhaustive()
    }
}

fn container_path(container: &Container) -> String {
    let (collection, id) = match container {
        Container::Group(g) => ("groups", g.as_str()),
        Container::Role(r) => ("roles", r.as_str()),
        Container::Tenant(t) => ("tenants", t.as_str()),
    };
    format!("/{collection}/{}", segment(id))
}

fn member_path(member: &Principal) -> String {
    let kind = match member {
        Principal::User(_) => "users",
        Principal::Client(_) => "clients",
        Principal::Group(_) => "groups",
        Principal::Role(_) => "roles",
        Principal::MappingRule(_) => "mapping-rules",
    };
    format!("/{kind}/{}", segment(member.id()))
}

/// The body of `POST /authorizations` and `PUT /authorizations/{key}`.
pub fn authorization_body<'a>(
    tuple: &AuthorizationTuple,
    permissions: impl IntoIterator<Item = &'a crate::model::PermissionType>,
) -> Value {
    let mut body = json!({
        "ownerId": tuple.owner.id(),
        "ownerType": tuple.owner.owner_type().as_str(),
        "resourceType": tuple.resource_type.as_str(),
        "permissionTypes": permissions.into_iter().map(|p| p.as_str()).collect::<Vec<_>>(),
    });
    match &tuple.resource {
        ResourceSelector::Id(id) => body["resourceId"] = json!(id),
        ResourceSelector::Property(p) => body["resourcePropertyName"] = json!(p),
    }
    body
}

/// The body of `POST /{collection}`: the whole entity with its ID.
fn create_body(entity: &Entity) -> Value {
    let id = entity.reference();
    let mut body = json!({ id.kind().id_key(): id.id() });
    match entity {
        Entity::Tenant(_, t) => {
            body["name"] = json!(t.name);
            body["description"] = json!(t.description);
        }
        Entity::Group(_, g) => {
            body["name"] = json!(g.name);
            body["description"] = json!(g.description);
        }
        Entity::Role(_, r) => {
            body["name"] = json!(r.name);
            body["description"] = json!(r.description);
        }
        Entity::MappingRule(_, m) => {
            body["name"] = json!(m.name);
            body["claimName"] = json!(m.claim_name);
            body["claimValue"] = json!(m.claim_value);
        }
        Entity::User(username, u) => {
            if let Some(password) = &u.password {
                body["password"] = json!(password.expose());
            }
            // Camunda requires a name and an e-mail; both default to the username.
            body["name"] = json!(u.name.clone().unwrap_or_else(|| username.to_string()));
            if let Some(email) = &u.email {
                body["email"] = json!(email);
            }
        }
    }
    body
}

/// The body of `PUT /{collection}/{id}`, and the fields to fill with live
/// values just before sending.
fn update_body(entity: &Entity) -> (Value, Vec<&'static str>) {
    match entity {
        Entity::Tenant(_, t) => (
            json!({"name": t.name, "description": t.description}),
            vec![],
        ),
        Entity::Group(_, g) => (
            json!({"name": g.name, "description": g.description}),
            vec![],
        ),
        Entity::Role(_, r) => (
            json!({"name": r.name, "description": r.description}),
            vec![],
        ),
        Entity::MappingRule(_, m) => (
            json!({"name": m.name, "claimName": m.claim_name, "claimValue": m.claim_value}),
            vec![],
        ),
        Entity::User(_, u) => {
            // Camunda replaces name and e-mail together (an absent one
            // becomes ""): what the files do not manage is sent with its
            // live value. The password is never re-sent.
            let mut body = json!({});
            let mut live_fields = Vec::new();
            for (field, value) in [("name", &u.name), ("email", &u.email)] {
                match value {
                    Some(value) => body[field] = json!(value),
                    None => live_fields.push(field),
                }
            }
            (body, live_fields)
        }
    }
}

fn entity_path(entity: &EntityRef) -> String {
    format!("/{}/{}", entity.kind().collection(), segment(entity.id()))
}

/// The request that carries out `change`: everything it needs is in the
/// change (a create carries the whole entity, a user's password too).
pub fn write_for(change: &Change) -> Write {
    match change {
        Change::Create { entity } => {
            let update = write_for(&Change::Update {
                entity: entity.clone(),
                attributes: Vec::new(),
            });
            Write {
                method: Method::POST,
                path: format!("/{}", entity.kind().collection()),
                body: Some(create_body(entity)),
                idempotence: Idempotence::ConflictThenUpdate(Box::new(update)),
                live_fields: Vec::new(),
            }
        }
        Change::Update { entity, .. } => {
            let (body, live_fields) = update_body(entity);
            Write {
                method: Method::PUT,
                path: entity_path(&entity.reference()),
                body: Some(body),
                idempotence: Idempotence::Repeatable,
                live_fields,
            }
        }
        Change::Delete { entity, .. } => Write {
            method: Method::DELETE,
            path: entity_path(entity),
            body: None,
            idempotence: Idempotence::NotFoundMeansDone,
            live_fields: Vec::new(),
        },
        Change::AddMember(m) => Write {
            method: Method::PUT,
            path: format!("{}{}", container_path(&m.container), member_path(&m.member)),
            body: None,
            idempotence: Idempotence::ConflictMeansDone,
            live_fields: Vec::new(),
        },
        Change::RemoveMember(m) => Write {
            method: Method::DELETE,
            path: format!("{}{}", container_path(&m.container), member_path(&m.member)),
            body: None,
            idempotence: Idempotence::NotFoundMeansDone,
            live_fields: Vec::new(),
        },
        // A repeated create of the same permissions for the same owner and
        // resource is refused with 409 by the duplicate rule (§3.3): a
        // second authorization is never created.
        Change::CreateAuthorization { tuple, permissions } => Write {
            method: Method::POST,
            path: "/authorizations".to_owned(),
            body: Some(authorization_body(tuple, permissions)),
            idempotence: Idempotence::ConflictOnRepeatMeansDone,
            live_fields: Vec::new(),
        },
        Change::UpdateAuthorization {
            tuple, key, after, ..
        } => Write {
            method: Method::PUT,
            path: format!("/authorizations/{}", segment(key)),
            body: Some(authorization_body(tuple, after)),
            idempotence: Idempotence::Repeatable,
            live_fields: Vec::new(),
        },
        Change::DeleteAuthorization { key, .. } => Write {
            method: Method::DELETE,
            path: format!("/authorizations/{}", segment(key)),
            body: None,
            idempotence: Idempotence::NotFoundMeansDone,
            live_fields: Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state::{Secret, User};

    #[test]
    fn a_user_create_carries_the_password_but_never_shows_it() {
        let alice = User {
            name: None,
            email: None,
            password: Some(Secret::new("canary-pw-991")),
        };
        let write = write_for(&Change::Create {
            entity: Entity::User("alice".into(), alice),
        });
        assert_eq!(write.path, "/users");
        assert_eq!(write.body.as_ref().unwrap()["username"], "alice");
        assert_eq!(write.body.as_ref().unwrap()["password"], "canary-pw-991");
        assert_eq!(write.body.as_ref().unwrap()["name"], "alice");
        assert!(!format!("{write:?}").contains("canary-pw-991"));
        // `<default>` and other IDs are one encoded segment.
        let write = write_for(&Change::AddMember(crate::model::state::Membership {
            container: Container::Tenant("<default>".into()),
            member: Principal::Client("a/b".into()),
        }));
        assert_eq!(write.path, "/tenants/%3Cdefault%3E/clients/a%2Fb");
    }

    #[test]
    fn a_user_update_takes_what_the_files_do_not_manage_from_the_cluster() {
        let bob = User {
            name: None,
            email: Some("bob@example.com".into()),
            password: Some(Secret::new("pw")),
        };
        let write = write_for(&Change::Update {
            entity: Entity::User("bob".into(), bob),
            attributes: Vec::new(),
        });
        assert_eq!(write.path, "/users/bob");
        assert_eq!(write.body, Some(json!({"email": "bob@example.com"})));
        assert_eq!(write.live_fields, vec!["name"]);
    }

    #[test]
    fn a_mapping_rule_create_names_its_id_field_and_claim() {
        let write = write_for(&Change::Create {
            entity: Entity::MappingRule(
                "loans".into(),
                crate::model::state::MappingRule {
                    name: "Loans".into(),
                    claim_name: "groups".into(),
                    claim_value: "loans".into(),
                },
            ),
        });
        assert_eq!(
            write.body,
            Some(
                json!({"mappingRuleId": "loans", "name": "Loans", "claimName": "groups", "claimValue": "loans"})
            )
        );
        let Idempotence::ConflictThenUpdate(update) = write.idempotence else {
            panic!("a create is settled by an update on 409");
        };
        assert_eq!(update.path, "/mapping-rules/loans");
        assert_eq!(update.method, Method::PUT);
    }
}
