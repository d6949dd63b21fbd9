//! The simulated engine: processes identity commands against the primary
//! store the way Camunda's processors do — check permission and existence in
//! their order, reject with the engine's wording, or emit mutations.

use std::collections::BTreeSet;

use crate::model::catalogue::{
    BUILT_IN_ROLES, CamundaVersion, DEFAULT_TENANT, OwnerType, PermissionType, ResourceType,
    supported_permissions,
};
use crate::sim::access::Caller;
use crate::sim::store::{
    AuthorizationRecord, Entity, EntityType, MappingRuleRecord, MemberRow, Mutation, Relation,
    Store, UserRecord,
};

/// What a created user gets on itself. camunda/camunda#24060 asked for
/// `READ` and `UPDATE`; the 8.8-era `UserCreateProcessor` (resource
/// matchers, owner IDs) grants `READ` only, in line with #29868.
pub const USER_SELF_PERMISSIONS: [PermissionType; 1] = [PermissionType::Read];

/// Engine behaviour switches.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Camunda version simulated.
    pub version: CamundaVersion,
    /// Users are managed in the cluster (basic authentication): user owners
    /// and members are checked for existence.
    pub internal_users: bool,
    /// Groups are managed in the cluster (no groups claim): group owners
    /// and members are checked for existence.
    pub internal_groups: bool,
    /// Default roles and the default tenant are read-only.
    pub protected_defaults: bool,
}

/// An HTTP error as Camunda answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP status.
    pub status: u16,
    /// Problem title.
    pub title: String,
    /// Problem detail.
    pub detail: String,
}

impl Rejection {
    /// A problem with any status, title and detail.
    pub fn new(status: u16, title: &str, detail: impl Into<String>) -> Self {
        Rejection {
            status,
            title: title.to_owned(),
            detail: detail.into(),
        }
    }
}

/// Engine rejection types and their HTTP mapping (GatewayErrorMapper).
#[derive(Debug, Clone, Copy)]
enum RejectionType {
    InvalidArgument,
    NotFound,
    AlreadyExists,
    InvalidState,
    Forbidden,
}

fn reject(intent: &str, kind: RejectionType, reason: impl std::fmt::Display) -> Rejection {
    let (status, title) = match kind {
        RejectionType::InvalidArgument => (400, "INVALID_ARGUMENT"),
        RejectionType::NotFound => (404, "NOT_FOUND"),
        RejectionType::AlreadyExists => (409, "ALREADY_EXISTS"),
        RejectionType::InvalidState => (409, "INVALID_STATE"),
        RejectionType::Forbidden => (403, "FORBIDDEN"),
    };
    Rejection::new(
        status,
        title,
        format!("Command '{intent}' rejected with code '{title}': {reason}"),
    )
}

/// The result of a command: what to change, and what to answer.
pub type Outcome<T> = Result<(Vec<Mutation>, T), Rejection>;

/// Java's `List.toString()` of permission types.
fn java_list(perms: impl IntoIterator<Item = PermissionType>) -> String {
    let names: Vec<&str> = perms.into_iter().map(|p| p.as_str()).collect();
    format!("[{}]", names.join(", "))
}

fn resource_type_of(relation: Relation) -> ResourceType {
    match relation {
        Relation::Group => ResourceType::Group,
        Relation::Role => ResourceType::Role,
        Relation::Tenant => ResourceType::Tenant,
    }
}

/// Processes commands.
#[derive(Debug, Clone)]
pub struct Engine {
    /// Behaviour switches.
    pub config: EngineConfig,
}

impl Engine {
    fn check(
        &self,
        store: &Store,
        caller: &Caller,
        intent: &str,
        resource_type: ResourceType,
        permission: PermissionType,
        id: Option<&str>,
    ) -> Result<(), Rejection> {
        if caller.allows(store, resource_type, permission, id) {
            return Ok(());
        }
        let scope = match id {
            Some(id) => format!(", required resource identifiers are one of '[*, {id}]'"),
            None => String::new(),
        };
        Err(reject(
            intent,
            RejectionType::Forbidden,
            format!(
                "Insufficient permissions to perform operation '{permission}' on resource '{resource_type}'{scope}"
            ),
        ))
    }

    fn is_protected_role(&self, role_id: &str) -> bool {
        self.config.protected_defaults && BUILT_IN_ROLES.contains(&role_id)
    }

    fn protected_tenant(&self, tenant_id: &str) -> Result<(), Rejection> {
        if self.config.protected_defaults && tenant_id == DEFAULT_TENANT {
            return Err(Rejection::new(
                403,
                "FORBIDDEN",
                format!("The default tenant '{DEFAULT_TENANT}' cannot be modified or deleted."),
            ));
        }
        Ok(())
    }

    /// Creates a group, role or tenant.
    pub fn create_entity(
        &self,
        store: &mut Store,
        caller: &Caller,
        relation: Relation,
        id: &str,
        name: &str,
        description: &str,
    ) -> Outcome<Entity> {
        self.check(
            store,
            caller,
            "CREATE",
            resource_type_of(relation),
            PermissionType::Create,
            None,
        )?;
        if store.entities(relation).contains_key(id) {
            let reason = match relation {
                Relation::Group => format!(
                    "Expected to create group with ID '{id}', but a group with this ID already exists."
                ),
                Relation::Role => format!(
                    "Expected to create role with ID '{id}', but a role with this ID already exists"
                ),
                Relation::Tenant => format!(
                    "Expected to create tenant with ID '{id}', but a tenant with this ID already exists"
                ),
            };
            return Err(reject("CREATE", RejectionType::AlreadyExists, reason));
        }
        let entity = Entity {
            key: store.new_key(),
            name: name.to_owned(),
            description: description.to_owned(),
        };
        Ok((
            vec![Mutation::PutEntity(relation, id.to_owned(), entity.clone())],
            entity,
        ))
    }

    /// Updates a group, role or tenant (full replace of name and description).
    pub fn update_entity(
        &self,
        store: &mut Store,
        caller: &Caller,
        relation: Relation,
        id: &str,
        name: &str,
        description: &str,
    ) -> Outcome<Entity> {
        let rt = resource_type_of(relation);
        if relation == Relation::Tenant {
            self.protected_tenant(id)?;
            // Tenants: existence first, then permission (`TenantUpdateProcessor`).
            if !store.tenants.contains_key(id) {
                return Err(reject(
                    "UPDATE",
                    RejectionType::NotFound,
                    format!(
                        "Expected to update tenant with id '{id}', but no tenant with this id exists."
                    ),
                ));
            }
        }
        self.check(
            store,
            caller,
            "UPDATE",
            rt,
            PermissionType::Update,
            Some(id),
        )?;
        if relation == Relation::Role && self.is_protected_role(id) {
            return Err(reject(
                "UPDATE",
                RejectionType::InvalidState,
                format!(
                    "Expected to update role with ID '{id}', which is a default role and cannot be modified."
                ),
            ));
        }
        let Some(existing) = store.entities(relation).get(id) else {
            let reason = match relation {
                Relation::Group => format!(
                    "Expected to update group with ID '{id}', but a group with this ID does not exist."
                ),
                Relation::Role => format!(
                    "Expected to update role with ID '{id}', but a role with this ID does not exist."
                ),
                Relation::Tenant => format!(
                    "Expected to update tenant with id '{id}', but no tenant with this id exists."
                ),
            };
            return Err(reject("UPDATE", RejectionType::NotFound, reason));
        };
        let entity = Entity {
            key: existing.key,
            name: name.to_owned(),
            description: description.to_owned(),
        };
        Ok((
            vec![Mutation::PutEntity(relation, id.to_owned(), entity.clone())],
            entity,
        ))
    }

    /// Deletes a group, role or tenant with the engine's cascades: its own
    /// members and the authorizations it owns go; its memberships in other
    /// containers stay (orphans, as in Camunda).
    pub fn delete_entity(
        &self,
        store: &mut Store,
        caller: &Caller,
        relation: Relation,
        id: &str,
    ) -> Outcome<()> {
        let rt = resource_type_of(relation);
        let missing = || match relation {
            Relation::Group => format!(
                "Expected to delete group with ID '{id}', but a group with this ID does not exist."
            ),
            Relation::Role => format!(
                "Expected to delete role with ID '{id}', but a role with this ID doesn't exist."
            ),
            Relation::Tenant => format!(
                "Expected to delete tenant with id '{id}', but no tenant with this id exists."
            ),
        };
        if relation == Relation::Tenant {
            self.protected_tenant(id)?;
            // Tenants: existence first, then permission.
            if !store.tenants.contains_key(id) {
                return Err(reject("DELETE", RejectionType::NotFound, missing()));
            }
            self.check(
                store,
                caller,
                "DELETE",
                rt,
                PermissionType::Delete,
                Some(id),
            )?;
        } else {
            // Groups and roles: permission first, then existence.
            self.check(
                store,
                caller,
                "DELETE",
                rt,
                PermissionType::Delete,
                Some(id),
            )?;
            if relation == Relation::Role && self.is_protected_role(id) {
                return Err(reject(
                    "DELETE",
                    RejectionType::InvalidState,
                    format!(
                        "Expected to delete role with ID '{id}', which is a default role and cannot be deleted."
                    ),
                ));
            }
            if !store.entities(relation).contains_key(id) {
                return Err(reject("DELETE", RejectionType::NotFound, missing()));
            }
        }
        let mut mutations: Vec<Mutation> = store
            .rows_of(relation, id)
            .into_iter()
            .map(Mutation::RemoveMember)
            .collect();
        let owner_type = match relation {
            Relation::Group => Some(OwnerType::Group),
            Relation::Role => Some(OwnerType::Role),
            // Tenants own authorizations only with the internal owner type TENANT.
            Relation::Tenant => None,
        };
        if let Some(owner_type) = owner_type {
            mutations.extend(
                store
                    .authorization_keys_of(owner_type, id)
                    .into_iter()
                    .map(Mutation::DeleteAuthorization),
            );
        }
        mutations.push(Mutation::DeleteEntity(relation, id.to_owned()));
        Ok((mutations, ()))
    }

    fn member_exists(&self, store: &Store, entity_type: EntityType, id: &str) -> bool {
        match entity_type {
            EntityType::Client => true,
            EntityType::MappingRule => store.mapping_rules.contains_key(id),
            EntityType::Role => store.roles.contains_key(id),
            EntityType::User => !self.config.internal_users || store.users.contains_key(id),
            EntityType::Group => !self.config.internal_groups || store.groups.contains_key(id),
        }
    }

    /// Whether the engine checks that a member of this type exists before
    /// adding it to this kind of container.
    fn checks_member(relation: Relation, entity_type: EntityType) -> bool {
        match entity_type {
            EntityType::Client => false,
            EntityType::MappingRule | EntityType::Role => true,
            // PR #40240 covers roles and tenants; group membership of users
            // is not covered (UNCONFIRMED; treated as unchecked).
            EntityType::User | EntityType::Group => relation != Relation::Group,
        }
    }

    /// Membership changes need `UPDATE` on the container (checked first),
    /// then the container must exist.
    fn require_container(
        &self,
        store: &Store,
        caller: &Caller,
        intent: &str,
        relation: Relation,
        id: &str,
    ) -> Result<(), Rejection> {
        let rt = resource_type_of(relation);
        self.check(store, caller, intent, rt, PermissionType::Update, Some(id))?;
        if store.entities(relation).contains_key(id) {
            return Ok(());
        }
        let reason = match relation {
            Relation::Group => format!(
                "Expected to update group with ID '{id}', but a group with this ID does not exist."
            ),
            Relation::Role => format!(
                "Expected to update role with ID '{id}', but a role with this ID does not exist."
            ),
            Relation::Tenant if intent == "ADD_ENTITY" => format!(
                "Expected to add entity to tenant with ID '{id}', but no tenant with this ID exists."
            ),
            Relation::Tenant => format!(
                "Expected to remove entity from tenant '{id}', but no tenant with this ID exists."
            ),
        };
        Err(reject(intent, RejectionType::NotFound, reason))
    }

    /// Adds a member to a group, role or tenant.
    pub fn add_member(&self, store: &mut Store, caller: &Caller, row: MemberRow) -> Outcome<()> {
        let MemberRow {
            relation,
            relation_id: ref cid,
            entity_type,
            entity_id: ref mid,
        } = row;
        self.require_container(store, caller, "ADD_ENTITY", relation, cid)?;
        if Self::checks_member(relation, entity_type)
            && !self.member_exists(store, entity_type, mid)
        {
            let kind = entity_type.as_str();
            let reason = match relation {
                Relation::Group => format!(
                    "Expected to add an entity with ID '{mid}' and type '{kind}' to group with ID '{cid}', but the entity does not exist."
                ),
                Relation::Role => format!(
                    "Expected to add an entity with ID '{mid}' and type '{kind}' to role with ID '{cid}', but the entity doesn't exist."
                ),
                Relation::Tenant => {
                    let noun = kind.to_ascii_lowercase();
                    format!(
                        "Expected to add {noun} with ID '{mid}' to tenant with ID '{cid}', but the {noun} doesn't exist."
                    )
                }
            };
            return Err(reject("ADD_ENTITY", RejectionType::NotFound, reason));
        }
        if store.members.contains(&row) {
            let reason = match relation {
                Relation::Tenant => {
                    let noun = entity_type.as_str().to_ascii_lowercase();
                    format!(
                        "Expected to add {noun} with ID '{mid}' to tenant with ID '{cid}', but the {noun} is already assigned to the tenant."
                    )
                }
                other => format!(
                    "Expected to add entity with ID '{mid}' to {0} with ID '{cid}', but the entity is already assigned to this {0}.",
                    other.noun()
                ),
            };
            return Err(reject("ADD_ENTITY", RejectionType::AlreadyExists, reason));
        }
        Ok((vec![Mutation::AddMember(row)], ()))
    }

    /// Removes a member from a group, role or tenant.
    pub fn remove_member(&self, store: &mut Store, caller: &Caller, row: MemberRow) -> Outcome<()> {
        let MemberRow {
            relation,
            relation_id: ref cid,
            entity_type,
            entity_id: ref mid,
        } = row;
        self.require_container(store, caller, "REMOVE_ENTITY", relation, cid)?;
        // Only a mapping-rule member is checked for existence on removal;
        // users, clients, groups and roles count as present.
        if entity_type == EntityType::MappingRule && !store.mapping_rules.contains_key(mid) {
            let reason = match relation {
                Relation::Group => format!(
                    "Expected to remove an entity with ID '{mid}' and type 'MAPPING_RULE' from group with ID '{cid}', but the entity does not exist."
                ),
                Relation::Role => format!(
                    "Expected to remove an entity with ID '{mid}' and type 'MAPPING_RULE' from role with ID '{cid}', but the entity doesn't exist."
                ),
                Relation::Tenant => format!(
                    "Expected to remove mapping_rule with ID '{mid}' from tenant with ID '{cid}', but the mapping_rule doesn't exists."
                ),
            };
            return Err(reject("REMOVE_ENTITY", RejectionType::NotFound, reason));
        }
        if !store.members.contains(&row) {
            let reason = match relation {
                Relation::Tenant => {
                    let noun = entity_type.as_str().to_ascii_lowercase();
                    format!(
                        "Expected to remove {noun} with ID '{mid}' from tenant with ID '{cid}', but the {noun} is not assigned to this tenant."
                    )
                }
                other => format!(
                    "Expected to remove entity with ID '{mid}' from {0} with ID '{cid}', but the entity is not assigned to this {0}.",
                    other.noun()
                ),
            };
            return Err(reject("REMOVE_ENTITY", RejectionType::NotFound, reason));
        }
        Ok((vec![Mutation::RemoveMember(row)], ()))
    }

    /// Creates a mapping rule.
    pub fn create_mapping_rule(
        &self,
        store: &mut Store,
        caller: &Caller,
        id: &str,
        name: &str,
        claim_name: &str,
        claim_value: &str,
    ) -> Outcome<MappingRuleRecord> {
        self.check(
            store,
            caller,
            "CREATE",
            ResourceType::MappingRule,
            PermissionType::Create,
            None,
        )?;
        if store
            .mapping_rules
            .values()
            .any(|r| r.claim_name == claim_name && r.claim_value == claim_value)
        {
            return Err(reject(
                "CREATE",
                RejectionType::AlreadyExists,
                format!(
                    "Expected to create mapping rule with claimName '{claim_name}' and claimValue '{claim_value}', but a mapping rule with this claim already exists."
                ),
            ));
        }
        if store.mapping_rules.contains_key(id) {
            return Err(reject(
                "CREATE",
                RejectionType::AlreadyExists,
                format!(
                    "Expected to create mapping rule with id '{id}', but a mapping rule with this id already exists."
                ),
            ));
        }
        let rule = MappingRuleRecord {
            key: store.new_key(),
            name: name.to_owned(),
            claim_name: claim_name.to_owned(),
            claim_value: claim_value.to_owned(),
        };
        Ok((
            vec![Mutation::PutMappingRule(id.to_owned(), rule.clone())],
            rule,
        ))
    }

    /// Updates a mapping rule (full replace).
    pub fn update_mapping_rule(
        &self,
        store: &mut Store,
        caller: &Caller,
        id: &str,
        name: &str,
        claim_name: &str,
        claim_value: &str,
    ) -> Outcome<MappingRuleRecord> {
        let Some(existing) = store.mapping_rules.get(id) else {
            return Err(reject(
                "UPDATE",
                RejectionType::NotFound,
                format!(
                    "Expected to update mapping rule with id '{id}', but a mapping rule with this id does not exist."
                ),
            ));
        };
        let key = existing.key;
        self.check(
            store,
            caller,
            "UPDATE",
            ResourceType::MappingRule,
            PermissionType::Update,
            Some(id),
        )?;
        if store.mapping_rules.iter().any(|(other, r)| {
            other != id && r.claim_name == claim_name && r.claim_value == claim_value
        }) {
            return Err(reject(
                "UPDATE",
                RejectionType::AlreadyExists,
                format!(
                    "Expected to update mapping rule with claimName '{claim_name}' and claimValue '{claim_value}', but a mapping rule with this claim already exists."
                ),
            ));
        }
        let rule = MappingRuleRecord {
            key,
            name: name.to_owned(),
            claim_name: claim_name.to_owned(),
            claim_value: claim_value.to_owned(),
        };
        Ok((
            vec![Mutation::PutMappingRule(id.to_owned(), rule.clone())],
            rule,
        ))
    }

    /// Deletes a mapping rule with its memberships and authorizations.
    pub fn delete_mapping_rule(&self, store: &mut Store, caller: &Caller, id: &str) -> Outcome<()> {
        if !store.mapping_rules.contains_key(id) {
            return Err(reject(
                "DELETE",
                RejectionType::NotFound,
                format!(
                    "Expected to delete mapping rule with id '{id}', but a mapping rule with this id does not exist."
                ),
            ));
        }
        self.check(
            store,
            caller,
            "DELETE",
            ResourceType::MappingRule,
            PermissionType::Delete,
            Some(id),
        )?;
        Ok((
            self.leave_everything(
                store,
                EntityType::MappingRule,
                id,
                Mutation::DeleteMappingRule(id.to_owned()),
            ),
            (),
        ))
    }

    fn leave_everything(
        &self,
        store: &Store,
        entity_type: EntityType,
        id: &str,
        last: Mutation,
    ) -> Vec<Mutation> {
        let mut mutations: Vec<Mutation> = store
            .authorization_keys_of(entity_type.owner_type(), id)
            .into_iter()
            .map(Mutation::DeleteAuthorization)
            .collect();
        mutations.extend(
            store
                .memberships_of(entity_type, id)
                .into_iter()
                .map(Mutation::RemoveMember),
        );
        mutations.push(last);
        mutations
    }

    /// The authorization `UserCreateProcessor` gives a user it creates
    /// through the API on itself (`addUserPermissions`): owner and resource
    /// the user, [`USER_SELF_PERMISSIONS`]; deleted with the user like any
    /// authorization it owns. Whether start-up initialization does the same
    /// is unconfirmed (the simulator's does not).
    pub fn user_self_authorization(&self, store: &mut Store, username: &str) -> Mutation {
        let own = AuthorizationRecord {
            owner_type: OwnerType::User,
            owner_id: username.to_owned(),
            resource_type: ResourceType::User,
            resource_id: Some(username.to_owned()),
            resource_property_name: None,
            permissions: USER_SELF_PERMISSIONS.into_iter().collect(),
        };
        Mutation::PutAuthorization(store.new_key(), own)
    }

    /// Creates a user.
    pub fn create_user(
        &self,
        store: &mut Store,
        caller: &Caller,
        username: &str,
        name: Option<&str>,
        email: Option<&str>,
        password: &str,
    ) -> Outcome<UserRecord> {
        self.check(
            store,
            caller,
            "CREATE",
            ResourceType::User,
            PermissionType::Create,
            None,
        )?;
        if store.users.contains_key(username) {
            return Err(reject(
                "CREATE",
                RejectionType::AlreadyExists,
                format!(
                    "Expected to create user with username '{username}', but a user with this username already exists"
                ),
            ));
        }
        let user = UserRecord {
            key: store.new_key(),
            name: name.map(str::to_owned),
            email: email.map(str::to_owned),
            password: password.to_owned(),
        };
        Ok((
            vec![Mutation::PutUser(username.to_owned(), user.clone())],
            user,
        ))
    }

    /// Updates a user. Like Camunda 8.8+ (`UserUpdateProcessor`): name and
    /// e-mail are replaced, an absent one becoming `""`; only a blank or
    /// missing password keeps the old one.
    pub fn update_user(
        &self,
        store: &mut Store,
        caller: &Caller,
        username: &str,
        name: Option<&str>,
        email: Option<&str>,
        password: Option<&str>,
    ) -> Outcome<UserRecord> {
        let Some(existing) = store.users.get(username).cloned() else {
            return Err(reject(
                "UPDATE",
                RejectionType::NotFound,
                format!(
                    "Expected to update user with username {username}, but a user with this username does not exist"
                ),
            ));
        };
        self.check(
            store,
            caller,
            "UPDATE",
            ResourceType::User,
            PermissionType::Update,
            Some(username),
        )?;
        let user = UserRecord {
            key: existing.key,
            name: Some(name.unwrap_or_default().to_owned()),
            email: Some(email.unwrap_or_default().to_owned()),
            password: password
                .filter(|p| !p.trim().is_empty())
                .map(str::to_owned)
                .unwrap_or(existing.password),
        };
        Ok((
            vec![Mutation::PutUser(username.to_owned(), user.clone())],
            user,
        ))
    }

    /// Deletes a user with its memberships and authorizations.
    pub fn delete_user(&self, store: &mut Store, caller: &Caller, username: &str) -> Outcome<()> {
        if !store.users.contains_key(username) {
            return Err(reject(
                "DELETE",
                RejectionType::NotFound,
                format!(
                    "Expected to delete user with username {username}, but a user with this username does not exist"
                ),
            ));
        }
        self.check(
            store,
            caller,
            "DELETE",
            ResourceType::User,
            PermissionType::Delete,
            Some(username),
        )?;
        Ok((
            self.leave_everything(
                store,
                EntityType::User,
                username,
                Mutation::DeleteUser(username.to_owned()),
            ),
            (),
        ))
    }

    fn validate_permissions(
        &self,
        intent: &str,
        verb: &str,
        resource_type: ResourceType,
        permissions: &BTreeSet<PermissionType>,
    ) -> Result<(), Rejection> {
        let supported = supported_permissions(self.config.version, resource_type);
        // `hasValidPermissionTypes` removes the supported ones first and
        // names only what is left.
        let unsupported: Vec<PermissionType> = permissions
            .iter()
            .copied()
            .filter(|p| !supported.contains(p))
            .collect();
        if unsupported.is_empty() {
            return Ok(());
        }
        Err(reject(
            intent,
            RejectionType::InvalidArgument,
            format!(
                "Expected to {verb} authorization with permission types '{}' and resource type '{resource_type}', but these permissions are not supported. Supported permission types are: '{}'",
                java_list(unsupported),
                java_list(supported.iter().copied())
            ),
        ))
    }

    fn owner_and_resource_exist(
        &self,
        store: &Store,
        intent: &str,
        record: &AuthorizationRecord,
    ) -> Result<(), Rejection> {
        let missing = |id: &str, noun: &str| {
            reject(
                intent,
                RejectionType::NotFound,
                format!(
                    "Expected to create or update authorization with ownerId or resourceId '{id}', but a {noun} with this ID does not exist."
                ),
            )
        };
        let owner = &record.owner_id;
        match record.owner_type {
            OwnerType::Role if !store.roles.contains_key(owner) => {
                return Err(missing(owner, "role"));
            }
            OwnerType::MappingRule if !store.mapping_rules.contains_key(owner) => {
                return Err(missing(owner, "mapping rule"));
            }
            OwnerType::User if self.config.internal_users && !store.users.contains_key(owner) => {
                return Err(missing(owner, "user"));
            }
            OwnerType::Group
                if self.config.internal_groups && !store.groups.contains_key(owner) =>
            {
                return Err(missing(owner, "group"));
            }
            _ => {}
        }
        if let Some(id) = record.resource_id.as_deref().filter(|id| *id != "*") {
            let exists = match record.resource_type {
                ResourceType::Role => Some(store.roles.contains_key(id)),
                ResourceType::MappingRule => Some(store.mapping_rules.contains_key(id)),
                ResourceType::User if self.config.internal_users => {
                    Some(store.users.contains_key(id))
                }
                ResourceType::Group if self.config.internal_groups => {
                    Some(store.groups.contains_key(id))
                }
                _ => None,
            };
            if exists == Some(false) {
                let noun = match record.resource_type {
                    ResourceType::Role => "role",
                    ResourceType::MappingRule => "mapping rule",
                    ResourceType::User => "user",
                    _ => "group",
                };
                return Err(missing(id, noun));
            }
        }
        Ok(())
    }

    /// Creates an authorization, applying Camunda's duplicate rule: any
    /// permission the owner already holds directly on the same resource type
    /// and scope rejects the whole request.
    pub fn create_authorization(
        &self,
        store: &mut Store,
        caller: &Caller,
        record: AuthorizationRecord,
    ) -> Outcome<i64> {
        self.check(
            store,
            caller,
            "CREATE",
            ResourceType::Authorization,
            PermissionType::Create,
            None,
        )?;
        self.validate_permissions(
            "CREATE",
            "create",
            record.resource_type,
            &record.permissions,
        )?;
        // The duplicate rule (409) comes before owner and resource
        // existence (404), as in `AuthorizationCreateProcessor`.
        let duplicate = store.authorizations.values().any(|existing| {
            existing.owner_type == record.owner_type
                && existing.owner_id == record.owner_id
                && existing.resource_type == record.resource_type
                && existing.resource_id == record.resource_id
                && existing.resource_property_name == record.resource_property_name
                && !existing.permissions.is_disjoint(&record.permissions)
        });
        if duplicate {
            let owner = &record.owner_id;
            let reason = match (&record.resource_id, &record.resource_property_name) {
                (None, Some(property)) => format!(
                    "Expected to create authorization for owner '{owner}' for resource property name '{property}', but an authorization for this resource property name already exists."
                ),
                (id, _) => format!(
                    "Expected to create authorization for owner '{owner}' for resource identifier '{}', but an authorization for this resource identifier already exists.",
                    id.as_deref().unwrap_or_default()
                ),
            };
            return Err(reject("CREATE", RejectionType::AlreadyExists, reason));
        }
        self.owner_and_resource_exist(store, "CREATE", &record)?;
        let key = store.new_key();
        Ok((vec![Mutation::PutAuthorization(key, record)], key))
    }

    /// Replaces an authorization. Like Camunda: no duplicate check, and the
    /// new permissions are validated against the persisted resource type.
    pub fn update_authorization(
        &self,
        store: &mut Store,
        caller: &Caller,
        key: i64,
        record: AuthorizationRecord,
    ) -> Outcome<()> {
        self.check(
            store,
            caller,
            "UPDATE",
            ResourceType::Authorization,
            PermissionType::Update,
            None,
        )?;
        let Some(persisted) = store.authorizations.get(&key) else {
            return Err(reject(
                "UPDATE",
                RejectionType::NotFound,
                format!(
                    "Expected to update authorization with key {key}, but an authorization with this key does not exist"
                ),
            ));
        };
        self.validate_permissions(
            "UPDATE",
            "update",
            persisted.resource_type,
            &record.permissions,
        )?;
        self.owner_and_resource_exist(store, "UPDATE", &record)?;
        Ok((vec![Mutation::PutAuthorization(key, record)], ()))
    }

    /// Deletes an authorization.
    pub fn delete_authorization(
        &self,
        store: &mut Store,
        caller: &Caller,
        key: i64,
    ) -> Outcome<()> {
        self.check(
            store,
            caller,
            "DELETE",
            ResourceType::Authorization,
            PermissionType::Delete,
            None,
        )?;
        let Some(persisted) = store.authorizations.get(&key) else {
            return Err(reject(
                "DELETE",
                RejectionType::NotFound,
                format!(
                    "Expected to delete authorization with key {key}, but an authorization with this key does not exist"
                ),
            ));
        };
        if persisted.owner_type == OwnerType::Role && self.is_protected_role(&persisted.owner_id) {
            return Err(reject(
                "DELETE",
                RejectionType::InvalidState,
                format!(
                    "Expected to delete authorization with key {key}, but it belongs to default role '{}' whose authorizations cannot be deleted.",
                    persisted.owner_id
                ),
            ));
        }
        Ok((vec![Mutation::DeleteAuthorization(key)], ()))
    }
}
