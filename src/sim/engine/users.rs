//! Users: create (with the authorization a user gets on itself), update and
//! delete.

use crate::model::catalogue::{OwnerType, PermissionType, ResourceType};
use crate::sim::access::Caller;
use crate::sim::engine::{Engine, Outcome, RejectionType, USER_SELF_PERMISSIONS, reject};
use crate::sim::store::{AuthorizationRecord, EntityType, Mutation, Store, UserRecord};

impl Engine {
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
}
