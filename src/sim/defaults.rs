//! What a fresh cluster holds (reference §7, answers §8): the `<default>`
//! tenant and the default roles with their authorizations, per version.

use std::collections::BTreeSet;

use crate::model::builtins::built_in_roles as roles;
use crate::model::catalogue::{CamundaVersion, DEFAULT_TENANT, OwnerType};
use crate::sim::store::{
    AuthorizationRecord, Entity, EntityType, MemberRow, Mutation, Relation, Store,
};

/// The mutations that make an empty store a fresh cluster of `version`.
pub(crate) fn fresh_cluster(store: &mut Store, version: CamundaVersion) -> Vec<Mutation> {
    let mut mutations = Vec::new();
    let tenant = Entity {
        key: store.new_key(),
        name: "Default".to_owned(),
        description: String::new(),
    };
    mutations.push(Mutation::PutEntity(
        Relation::Tenant,
        DEFAULT_TENANT.to_owned(),
        tenant,
    ));
    for role in roles(version) {
        let entity = Entity {
            key: store.new_key(),
            name: role.name.to_owned(),
            description: String::new(),
        };
        mutations.push(Mutation::PutEntity(
            Relation::Role,
            role.id.to_owned(),
            entity,
        ));
        for (resource_type, property, permissions) in role.grants {
            let key = store.new_key();
            mutations.push(Mutation::PutAuthorization(
                key,
                AuthorizationRecord {
                    owner_type: OwnerType::Role,
                    owner_id: role.id.to_owned(),
                    resource_type,
                    resource_id: match property {
                        None => Some("*".to_owned()),
                        Some(_) => None,
                    },
                    resource_property_name: property.map(str::to_owned),
                    permissions: permissions.into_iter().collect::<BTreeSet<_>>(),
                },
            ));
        }
        if role.in_default_tenant {
            mutations.push(Mutation::AddMember(MemberRow {
                relation: Relation::Tenant,
                relation_id: DEFAULT_TENANT.to_owned(),
                entity_type: EntityType::Role,
                entity_id: role.id.to_owned(),
            }));
        }
    }
    for m in &mutations {
        store.apply(m);
    }
    mutations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalogue::{PermissionType, ResourceType};

    fn count(version: CamundaVersion, role: &str) -> usize {
        let mut store = Store::default();
        fresh_cluster(&mut store, version);
        store.authorization_keys_of(OwnerType::Role, role).len()
    }

    #[test]
    fn default_authorization_counts() {
        use CamundaVersion::*;
        assert_eq!(count(V8_8, "admin"), 15);
        assert_eq!(count(V8_8, "readonly-admin"), 15);
        assert_eq!(count(V8_9, "admin"), 20);
        assert_eq!(count(V8_9, "readonly-admin"), 19);
        assert_eq!(count(V8_9, "task-worker"), 3);
        // 8.10: admin adds SECRET, BACKUP and EXPORTER; readonly-admin
        // SECRET:READ and BACKUP:READ; connectors cluster variables,
        // expressions and SECRET:REVEAL.
        assert_eq!(count(V8_10, "admin"), 23);
        assert_eq!(count(V8_10, "readonly-admin"), 21);
        assert_eq!(count(V8_10, "connectors"), 6);
        assert_eq!(count(V8_9, "connectors"), 3);
        assert_eq!(count(V8_10, "task-worker"), 3);
        let mut store = Store::default();
        fresh_cluster(&mut store, V8_10);
        let reveal = store
            .authorizations
            .values()
            .find(|a| a.owner_id == "connectors" && a.resource_type == ResourceType::Secret);
        let reveal = reveal.expect("connectors may reveal secrets");
        assert_eq!(reveal.resource_id.as_deref(), Some("*"));
        assert_eq!(
            reveal.permissions.iter().collect::<Vec<_>>(),
            vec![&PermissionType::Reveal],
            "REVEAL, not READ"
        );
        let mut store = Store::default();
        fresh_cluster(&mut store, V8_8);
        assert_eq!(store.authorizations.len(), 37);
        assert_eq!(store.roles.len(), 5);
        assert_eq!(
            store
                .members_of(Relation::Tenant, DEFAULT_TENANT, EntityType::Role)
                .count(),
            4
        );
    }
}
