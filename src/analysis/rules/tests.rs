//! Each built-in rule both ways, levels, and what counts as introduced.

use super::*;
// The state builders of the analysis' own tests.
use crate::analysis::tests::{client, grant, member, rule as mapping_rule};
use crate::model::catalogue::{PermissionType as P, ResourceType as R};

fn user(id: &str) -> Principal {
    Principal::User(id.into())
}

/// The violations of `state` against an empty cluster, as
/// `(rule, principal, details)`.
fn judged(state: &AccessState) -> Vec<(RuleId, String, Vec<String>)> {
    violations(&AccessState::default(), state, &Policy::default())
        .into_iter()
        .map(|v| (v.rule, v.principal, v.details))
        .collect()
}

fn rules_of(state: &AccessState) -> Vec<(RuleId, String)> {
    judged(state).into_iter().map(|(r, p, _)| (r, p)).collect()
}

#[test]
fn access_control_write_by_a_client_directly_or_a_mapping_rule_through_a_role() {
    let mut s = AccessState::default();
    grant(&mut s, client("ci"), R::Authorization, "*", &[P::Update]);
    let role = Principal::Role("group-admins".into());
    grant(&mut s, role, R::Group, "*", &[P::Create, P::Read]);
    mapping_rule(&mut s, "staff", "department", "it");
    member(
        &mut s,
        Container::Role("group-admins".into()),
        Principal::MappingRule("staff".into()),
    );
    assert_eq!(
        judged(&s),
        vec![
            (
                RuleId::AccessControlWrite,
                "client:ci".to_owned(),
                vec!["AUTHORIZATION:* UPDATE (direct)".to_owned()]
            ),
            (
                RuleId::AccessControlWrite,
                "mapping-rule:staff".to_owned(),
                vec!["GROUP:* CREATE (role group-admins)".to_owned()]
            ),
        ]
    );
}

#[test]
fn access_control_reads_and_users_are_not_access_control_writes() {
    let mut s = AccessState::default();
    grant(&mut s, client("auditor"), R::Authorization, "*", &[P::Read]);
    grant(&mut s, client("auditor"), R::User, "*", &[P::Read]);
    grant(&mut s, user("alice"), R::Role, "*", &[P::Update]);
    assert_eq!(rules_of(&s), vec![]);
}

#[test]
fn admin_membership_of_any_principal() {
    let mut s = AccessState::default();
    member(&mut s, Container::Role("admin".into()), client("ops"));
    member(
        &mut s,
        Container::Role("admin".into()),
        Principal::Group("platform".into()),
    );
    member(&mut s, Container::Role("deployer".into()), client("ci"));
    assert_eq!(
        rules_of(&s),
        vec![
            (RuleId::AdminMembership, "client:ops".to_owned()),
            (RuleId::AdminMembership, "group:platform".to_owned()),
        ]
    );
}

#[test]
fn client_wildcard_write_counts_changes_not_reads_creations_or_single_ids() {
    let mut s = AccessState::default();
    grant(
        &mut s,
        client("worker"),
        R::ProcessDefinition,
        "*",
        &[P::ReadProcessDefinition, P::UpdateProcessInstance],
    );
    // Batch operations act on many: creating one counts.
    grant(&mut s, client("bulk"), R::Batch, "*", &[P::Create]);
    // Creations on `*` are how Camunda grants deploying and messages.
    grant(
        &mut s,
        client("ci"),
        R::Resource,
        "*",
        &[P::Create, P::Read],
    );
    grant(&mut s, client("ci"), R::Message, "*", &[P::Create]);
    // One ID is what the rule asks for.
    grant(
        &mut s,
        client("ci"),
        R::ProcessDefinition,
        "orders",
        &[P::UpdateProcessInstance],
    );
    // A role's own grant is not a client's.
    grant(
        &mut s,
        Principal::Role("cleaner".into()),
        R::ProcessDefinition,
        "*",
        &[P::DeleteProcessInstance],
    );
    assert_eq!(
        judged(&s),
        vec![
            (
                RuleId::ClientWildcardWrite,
                "client:bulk".to_owned(),
                vec!["BATCH:* CREATE (direct)".to_owned()]
            ),
            (
                RuleId::ClientWildcardWrite,
                "client:worker".to_owned(),
                vec!["PROCESS_DEFINITION:* UPDATE_PROCESS_INSTANCE (direct)".to_owned()]
            )
        ]
    );
    // Through the role, the client has it too.
    member(&mut s, Container::Role("cleaner".into()), client("ci"));
    assert!(judged(&s).contains(&(
        RuleId::ClientWildcardWrite,
        "client:ci".to_owned(),
        vec!["PROCESS_DEFINITION:* DELETE_PROCESS_INSTANCE (role cleaner)".to_owned()]
    )));
}

#[test]
fn access_control_on_wildcard_is_reported_once_under_its_own_rule() {
    let mut s = AccessState::default();
    grant(&mut s, client("ci"), R::Authorization, "*", &[P::Update]);
    assert_eq!(
        rules_of(&s),
        vec![(RuleId::AccessControlWrite, "client:ci".to_owned())]
    );
}

#[test]
fn universal_claims_as_names_or_json_paths() {
    let mut s = AccessState::default();
    mapping_rule(&mut s, "everyone", "iss", "https://idp.example.com");
    mapping_rule(&mut s, "our-app", "$.aud", "camunda");
    mapping_rule(&mut s, "staff", "groups", "staff");
    mapping_rule(&mut s, "issuer-like", "issuer", "x");
    mapping_rule(&mut s, "bracketed", "$['tid']", "contoso");
    mapping_rule(&mut s, "nested", "$.realm.iss", "x");
    assert_eq!(
        judged(&s),
        vec![
            (
                RuleId::UniversalClaim,
                "mapping-rule:bracketed".to_owned(),
                vec!["claim $['tid']: \"contoso\"".to_owned()]
            ),
            (
                RuleId::UniversalClaim,
                "mapping-rule:everyone".to_owned(),
                vec!["claim iss: \"https://idp.example.com\"".to_owned()]
            ),
            (
                RuleId::UniversalClaim,
                "mapping-rule:our-app".to_owned(),
                vec!["claim $.aud: \"camunda\"".to_owned()]
            ),
        ]
    );
}

#[test]
fn user_owned_authorizations_alike_where_a_group_would_do() {
    let mut s = AccessState::default();
    for name in ["alice", "bob"] {
        grant(
            &mut s,
            user(name),
            R::ProcessDefinition,
            "orders",
            &[P::ReadProcessDefinition],
        );
        // Camunda's own authorization of each user on itself.
        grant(&mut s, user(name), R::User, name, &[P::Read, P::Update]);
    }
    grant(
        &mut s,
        user("carol"),
        R::ProcessDefinition,
        "billing",
        &[P::ReadProcessDefinition],
    );
    let detail = "PROCESS_DEFINITION:orders READ_PROCESS_DEFINITION (owned alike by 2 users: user:alice, user:bob)";
    assert_eq!(
        judged(&s),
        vec![
            (
                RuleId::UserOwnedAuthorization,
                "user:alice".to_owned(),
                vec![detail.to_owned()]
            ),
            (
                RuleId::UserOwnedAuthorization,
                "user:bob".to_owned(),
                vec![detail.to_owned()]
            ),
        ]
    );
}

#[test]
fn levels_from_the_policy_and_allow_turns_a_rule_off() {
    let mut s = AccessState::default();
    grant(&mut s, client("ci"), R::Authorization, "*", &[P::Update]);
    member(&mut s, Container::Role("admin".into()), client("ci"));
    let mut policy = Policy::default();
    policy.rules.insert(RuleId::AccessControlWrite, Level::Deny);
    policy.rules.insert(RuleId::AdminMembership, Level::Allow);
    let found = violations(&AccessState::default(), &s, &policy);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, RuleId::AccessControlWrite);
    assert_eq!(found[0].level, Level::Deny);
    assert_eq!(found[0].message, "client:ci can change access control");
}

#[test]
fn introduced_only_when_the_state_before_held_less() {
    let mut before = AccessState::default();
    member(&mut before, Container::Role("admin".into()), client("ops"));
    grant(&mut before, client("ci"), R::Group, "*", &[P::Create]);
    let mut after = before.clone();
    let unchanged = violations(&before, &after, &Policy::default());
    assert_eq!(unchanged.len(), 2);
    assert!(unchanged.iter().all(|v| !v.introduced));

    // More of the same rule by the same principal is introduced.
    grant(
        &mut after,
        client("ci"),
        R::Group,
        "*",
        &[P::Create, P::Delete],
    );
    member(&mut after, Container::Role("admin".into()), client("new"));
    let grown = violations(&before, &after, &Policy::default());
    let introduced: Vec<&str> = grown
        .iter()
        .filter(|v| v.introduced)
        .map(|v| v.principal.as_str())
        .collect();
    assert_eq!(introduced, vec!["client:ci", "client:new"]);
}

#[test]
fn a_new_administrator_is_one_violation_unless_admin_membership_is_laxer() {
    let mut s = AccessState::default();
    let admin = Principal::Role("admin".into());
    grant(
        &mut s,
        admin.clone(),
        R::Authorization,
        "*",
        &[P::Read, P::Update],
    );
    grant(
        &mut s,
        admin,
        R::ProcessDefinition,
        "*",
        &[P::DeleteProcessInstance],
    );
    member(&mut s, Container::Role("admin".into()), client("ops"));
    assert_eq!(
        rules_of(&s),
        vec![(RuleId::AdminMembership, "client:ops".to_owned())]
    );
    // Access control at deny is not left to a rule at warn.
    let mut policy = Policy::default();
    policy.rules.insert(RuleId::AccessControlWrite, Level::Deny);
    let found: Vec<(RuleId, Level)> = violations(&AccessState::default(), &s, &policy)
        .into_iter()
        .map(|v| (v.rule, v.level))
        .collect();
    assert_eq!(
        found,
        vec![
            (RuleId::AccessControlWrite, Level::Deny),
            (RuleId::AdminMembership, Level::Warn)
        ]
    );
    // With admin-membership off, administrators are accepted, with what
    // the role grants them.
    let mut policy = Policy::default();
    policy.rules.insert(RuleId::AdminMembership, Level::Allow);
    assert_eq!(violations(&AccessState::default(), &s, &policy), vec![]);
}

#[test]
fn a_member_of_a_group_in_admin_is_an_administrator_too() {
    let mut before = AccessState::default();
    member(
        &mut before,
        Container::Role("admin".into()),
        Principal::Group("platform".into()),
    );
    let mut after = before.clone();
    member(&mut after, Container::Group("platform".into()), client("x"));
    let found = violations(&before, &after, &Policy::default());
    let x = found
        .iter()
        .find(|v| v.principal == "client:x")
        .expect("flagged");
    assert!(x.introduced);
    assert_eq!(x.details, ["member of role admin (through group platform)"]);
}

#[test]
fn fewer_permissions_or_a_new_path_to_the_same_one_is_not_introduced() {
    let mut before = AccessState::default();
    grant(
        &mut before,
        client("ci"),
        R::Authorization,
        "*",
        &[P::Delete, P::Update],
    );
    // Less of the same.
    let mut after = AccessState::default();
    grant(
        &mut after,
        client("ci"),
        R::Authorization,
        "*",
        &[P::Update],
    );
    let found = violations(&before, &after, &Policy::default());
    assert_eq!(found.len(), 1);
    assert!(!found[0].introduced, "{found:?}");
    // The same permission through a renamed group.
    let mut before = AccessState::default();
    let old = Principal::Group("ci-old".into());
    grant(&mut before, old, R::Group, "*", &[P::Create]);
    member(&mut before, Container::Group("ci-old".into()), client("ci"));
    let mut after = AccessState::default();
    grant(
        &mut after,
        Principal::Group("ci-new".into()),
        R::Group,
        "*",
        &[P::Create],
    );
    member(&mut after, Container::Group("ci-new".into()), client("ci"));
    let found = violations(&before, &after, &Policy::default());
    assert!(!found[0].introduced, "{found:?}");
    assert_eq!(found[0].details, ["GROUP:* CREATE (group ci-new)"]);
}

#[test]
fn a_renamed_principal_brings_no_new_finding_and_a_merge_keeps_its_own() {
    let admin = Container::Role("admin".into());
    let group = |id: &str| Principal::Group(id.into());
    // `old` in admin, renamed to `new`.
    let mut before = AccessState::default();
    member(&mut before, admin.clone(), group("old"));
    let mut after = AccessState::default();
    member(&mut after, admin.clone(), group("new"));
    let renamed = BTreeMap::from([(group("new"), group("old"))]);
    let found = violations_renamed(&before, &after, &Policy::default(), &renamed);
    assert_eq!(found.len(), 1);
    assert!(!found[0].introduced, "{found:?}");
    // Without the rename, the same after-state is new.
    assert!(violations(&before, &after, &Policy::default())[0].introduced);
    // A merge: `new` existed in admin already, `old` did not.
    let mut before = AccessState::default();
    member(&mut before, admin.clone(), group("new"));
    grant(&mut before, group("old"), R::Message, "*", &[P::Create]);
    let found = violations_renamed(&before, &after, &Policy::default(), &renamed);
    assert!(found.iter().all(|v| !v.introduced), "{found:?}");
}
