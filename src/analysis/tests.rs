//! Unit tests of the analysis: every path kind, tokens, checks, who-can.

use serde_json::json;

use super::*;
use crate::model::catalogue::{PermissionType as P, ResourceType as R};
use crate::model::state::{
    AccessState, AuthorizationTuple, Container, MappingRule, Membership, Principal,
    ResourceSelector,
};

pub(super) fn grant(s: &mut AccessState, owner: Principal, rt: R, id: &str, permissions: &[P]) {
    s.grant(
        AuthorizationTuple {
            owner,
            resource_type: rt,
            resource: ResourceSelector::Id(id.to_owned()),
        },
        permissions.iter().copied(),
    );
}

pub(super) fn member(s: &mut AccessState, container: Container, member: Principal) {
    s.memberships.insert(Membership { container, member });
}

pub(super) fn rule(s: &mut AccessState, id: &str, claim: &str, value: &str) {
    s.mapping_rules.insert(
        id.into(),
        MappingRule {
            name: id.to_owned(),
            claim_name: claim.to_owned(),
            claim_value: value.to_owned(),
        },
    );
}

pub(super) fn client(id: &str) -> Principal {
    Principal::Client(id.into())
}

/// The quickstart's shape, plus a user in a role and a tenant.
fn quickstart() -> AccessState {
    let mut s = AccessState::default();
    let job_worker = Principal::Role("order-job-worker".into());
    grant(
        &mut s,
        job_worker.clone(),
        R::ProcessDefinition,
        "order-fulfilment",
        &[P::ReadProcessDefinition, P::UpdateProcessInstance],
    );
    grant(&mut s, job_worker, R::Message, "*", &[P::Create]);
    grant(
        &mut s,
        Principal::Role("deployer".into()),
        R::Resource,
        "*",
        &[P::Create, P::Read],
    );
    grant(
        &mut s,
        client("order-worker"),
        R::Document,
        "*",
        &[P::Create],
    );
    grant(
        &mut s,
        Principal::Group("order-workers".into()),
        R::Document,
        "*",
        &[P::Read],
    );
    member(
        &mut s,
        Container::Group("order-workers".into()),
        client("order-worker"),
    );
    member(
        &mut s,
        Container::Role("order-job-worker".into()),
        Principal::Group("order-workers".into()),
    );
    member(
        &mut s,
        Container::Role("deployer".into()),
        client("ci-deployer"),
    );
    member(
        &mut s,
        Container::Tenant("orders".into()),
        client("order-worker"),
    );
    s
}

fn subject(p: Principal) -> Subject {
    Subject::Principal { principal: p }
}

fn kinds(e: &Explanation, rt: R, permission: P) -> Vec<PathKind> {
    e.grants()
        .filter(|(r, _, p, _)| *r == rt && *p == permission)
        .map(|(_, _, _, path)| path.kind)
        .collect()
}

#[test]
fn every_path_kind_of_a_principal() {
    let state = quickstart();
    let analyzer = Analyzer::new(&state);
    let e = analyzer.explain(&subject(client("order-worker")));
    assert_eq!(kinds(&e, R::Document, P::Create), [PathKind::Direct]);
    assert_eq!(kinds(&e, R::Document, P::Read), [PathKind::Group]);
    assert_eq!(kinds(&e, R::Message, P::Create), [PathKind::RoleOfGroup]);
    let ci = analyzer.explain(&subject(client("ci-deployer")));
    assert_eq!(kinds(&ci, R::Resource, P::Create), [PathKind::Role]);
    // The path names each hop and the owner.
    let path = e
        .grants()
        .find(|(r, _, _, _)| *r == R::Message)
        .unwrap()
        .3
        .clone();
    assert_eq!(
        path.to_string(),
        "group order-workers → role order-job-worker"
    );
    assert_eq!(path.owner, Principal::Role("order-job-worker".into()));
    // Tenant membership is a membership, not a permission.
    assert!(
        e.memberships
            .iter()
            .any(|r| r.container == Container::Tenant("orders".into()))
    );
    assert!(e.access.iter().all(|a| a.resource_type != R::Tenant));
    // A group sees its roles; a role only its own grants.
    let g = analyzer.explain(&subject(Principal::Group("order-workers".into())));
    assert_eq!(kinds(&g, R::Message, P::Create), [PathKind::Role]);
    let r = analyzer.explain(&subject(Principal::Role("order-job-worker".into())));
    assert_eq!(kinds(&r, R::Message, P::Create), [PathKind::Direct]);
}

#[test]
fn two_ways_to_one_permission_are_both_shown() {
    let mut state = quickstart();
    member(
        &mut state,
        Container::Role("order-job-worker".into()),
        client("order-worker"),
    );
    let analyzer = Analyzer::new(&state);
    let e = analyzer.explain(&subject(client("order-worker")));
    assert_eq!(
        kinds(&e, R::Message, P::Create),
        [PathKind::Role, PathKind::RoleOfGroup]
    );
}

#[test]
fn a_wildcard_counts_for_any_id_and_a_specific_id_not_for_the_wildcard() {
    let state = quickstart();
    let analyzer = Analyzer::new(&state);
    let e = analyzer.explain(&subject(client("order-worker")));
    let verdict = |c: &str| Verdict::new(&analyzer, &e, &c.parse().unwrap());
    assert!(verdict("MESSAGE:order-placed:CREATE").granted);
    assert!(verdict("MESSAGE:*:CREATE").granted);
    let specific = verdict("PROCESS_DEFINITION:order-fulfilment:UPDATE_PROCESS_INSTANCE");
    assert!(specific.granted);
    assert_eq!(specific.paths.len(), 1);
    let all = verdict("PROCESS_DEFINITION:*:UPDATE_PROCESS_INSTANCE");
    assert!(!all.granted);
    assert_eq!(
        all.near_misses,
        [NearMiss::OtherResources {
            resources: vec![ResourceSelector::Id("order-fulfilment".into())]
        }]
    );
}

#[test]
fn near_misses_name_the_container_the_other_id_and_the_other_permissions() {
    let state = quickstart();
    let analyzer = Analyzer::new(&state);
    let ci = analyzer.explain(&subject(client("ci-deployer")));
    let check: Check = "PROCESS_DEFINITION:order-fulfilment:UPDATE_PROCESS_INSTANCE"
        .parse()
        .unwrap();
    let v = Verdict::new(&analyzer, &ci, &check);
    assert!(!v.granted);
    assert_eq!(
        v.near_misses,
        [NearMiss::NotAMember {
            holder: Principal::Role("order-job-worker".into()),
            resource: ResourceSelector::Id("order-fulfilment".into()),
            groups: vec!["order-workers".into()],
        }]
    );
    let worker = analyzer.explain(&subject(client("order-worker")));
    let payments: Check = "PROCESS_DEFINITION:payments:UPDATE_PROCESS_INSTANCE"
        .parse()
        .unwrap();
    let v = Verdict::new(&analyzer, &worker, &payments);
    assert!(!v.granted);
    assert_eq!(
        v.near_misses,
        [NearMiss::OtherResources {
            resources: vec![ResourceSelector::Id("order-fulfilment".into())]
        }]
    );
    let read: Check = "PROCESS_DEFINITION:order-fulfilment:READ_PROCESS_INSTANCE"
        .parse()
        .unwrap();
    let v = Verdict::new(&analyzer, &worker, &read);
    assert_eq!(
        v.near_misses,
        [NearMiss::OtherPermissions {
            permissions: vec![P::ReadProcessDefinition, P::UpdateProcessInstance]
        }]
    );
}

#[test]
fn checks_parse_and_refuse_nonsense() {
    let c: Check = "RESOURCE:*:CREATE".parse().unwrap();
    assert_eq!(c.resource_id, "*");
    assert_eq!(c.to_string(), "RESOURCE:*:CREATE");
    assert!("RESOURCE:CREATE".parse::<Check>().is_err());
    assert!("NOPE:x:CREATE".parse::<Check>().is_err());
    assert!("RESOURCE:x:NOPE".parse::<Check>().is_err());
    assert!("RESOURCE::CREATE".parse::<Check>().is_err());
    assert_eq!(Check::of("RESOURCE:*", "CREATE").unwrap(), c);
    assert!(Subject::principal("client:x").is_ok());
    assert!(Subject::principal("mapping-rule:x").is_ok());
    assert!(Subject::principal("tenant:x").is_err());
    assert!(Subject::principal("x").is_err());
}

/// The oidc-groups-claim example's shape.
fn oidc() -> AccessState {
    let mut s = AccessState::default();
    rule(&mut s, "loan-officers", "groups", "loan-officers");
    rule(&mut s, "auditors", "$.realm_access.roles", "auditor");
    rule(&mut s, "platform", "azp", "loans-platform");
    rule(&mut s, "eng", "groups", "eng");
    member(
        &mut s,
        Container::Role("loan-officer".into()),
        Principal::MappingRule("loan-officers".into()),
    );
    member(
        &mut s,
        Container::Tenant("loans".into()),
        Principal::MappingRule("loan-officers".into()),
    );
    member(
        &mut s,
        Container::Role("auditor".into()),
        Principal::MappingRule("auditors".into()),
    );
    member(
        &mut s,
        Container::Group("engineering".into()),
        Principal::MappingRule("eng".into()),
    );
    member(
        &mut s,
        Container::Role("developer".into()),
        Principal::Group("engineering".into()),
    );
    grant(
        &mut s,
        Principal::Role("loan-officer".into()),
        R::ProcessDefinition,
        "loan-application",
        &[P::CreateProcessInstance],
    );
    grant(
        &mut s,
        Principal::Role("auditor".into()),
        R::ProcessDefinition,
        "*",
        &[P::ReadProcessInstance],
    );
    grant(
        &mut s,
        Principal::MappingRule("platform".into()),
        R::Message,
        "*",
        &[P::Create],
    );
    grant(
        &mut s,
        Principal::Role("developer".into()),
        R::Resource,
        "*",
        &[P::Read],
    );
    grant(
        &mut s,
        Principal::User("ann".into()),
        R::Document,
        "*",
        &[P::Read],
    );
    s
}

fn token(claims: serde_json::Value, settings: TokenSettings) -> Subject {
    Subject::Token { claims, settings }
}

#[test]
fn a_token_matches_array_and_nested_claims_and_gets_what_the_rules_bring() {
    let state = oidc();
    let analyzer = Analyzer::new(&state);
    let e = analyzer.explain(&token(
        json!({"sub": "ann", "groups": ["loan-officers"], "realm_access": {"roles": ["auditor"]}}),
        TokenSettings::default(),
    ));
    let report = e.token.as_ref().unwrap();
    assert_eq!(report.principal, Some(Principal::User("ann".into())));
    let matched: Vec<&str> = report
        .rules
        .iter()
        .filter(|r| r.matched)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(matched, ["auditors", "loan-officers"]);
    let loan = report
        .rules
        .iter()
        .find(|r| r.id.as_str() == "loan-officers")
        .unwrap();
    assert_eq!(loan.comparison, claims::Comparison::Contains);
    assert!(
        loan.brings
            .contains(&Container::Role("loan-officer".into()))
    );
    assert!(loan.brings.contains(&Container::Tenant("loans".into())));
    assert_eq!(
        kinds(&e, R::ProcessDefinition, P::CreateProcessInstance),
        [PathKind::MappingRule]
    );
    assert_eq!(
        kinds(&e, R::ProcessDefinition, P::ReadProcessInstance),
        [PathKind::MappingRule]
    );
    // The user the token names brings its own grants.
    assert_eq!(kinds(&e, R::Document, P::Read), [PathKind::Direct]);
    let path = e
        .grants()
        .find(|(_, _, p, _)| *p == P::CreateProcessInstance)
        .unwrap()
        .3
        .to_string();
    assert_eq!(
        path,
        "mapping rule loan-officers (groups: \"loan-officers\") → role loan-officer"
    );
    // A scalar claim equals; a near value does not.
    let e = analyzer.explain(&token(
        json!({"sub": "svc", "azp": "loans-platform", "groups": "loan-officers-x"}),
        TokenSettings::default(),
    ));
    assert_eq!(kinds(&e, R::Message, P::Create), [PathKind::MappingRule]);
    assert!(kinds(&e, R::ProcessDefinition, P::CreateProcessInstance).is_empty());
}

#[test]
fn a_mapping_rule_in_a_group_brings_the_group_s_roles() {
    let state = oidc();
    let analyzer = Analyzer::new(&state);
    let e = analyzer.explain(&token(
        json!({"sub": "bo", "groups": ["eng"]}),
        TokenSettings::default(),
    ));
    let path = e.grants().find(|(r, _, _, _)| *r == R::Resource).unwrap().3;
    assert_eq!(path.kind, PathKind::MappingRule);
    assert_eq!(path.hops.len(), 3, "{path}");
    assert_eq!(path.owner, Principal::Role("developer".into()));
    // Explained as a principal, the rule's own paths.
    let m = analyzer.explain(&subject(Principal::MappingRule("eng".into())));
    assert_eq!(kinds(&m, R::Resource, P::Read), [PathKind::RoleOfGroup]);
}

#[test]
fn a_groups_claim_names_groups_and_a_client_id_claim_names_a_client() {
    let state = oidc();
    let analyzer = Analyzer::new(&state);
    let settings = TokenSettings {
        client_id_claim: Some("client_id".to_owned()),
        groups_claim: Some("$.teams".to_owned()),
        ..TokenSettings::default()
    };
    let e = analyzer.explain(&token(
        json!({"sub": "x", "client_id": "ci", "teams": "engineering"}),
        settings,
    ));
    let report = e.token.as_ref().unwrap();
    assert_eq!(report.principal, Some(Principal::Client("ci".into())));
    assert_eq!(report.groups, vec!["engineering".into()]);
    assert_eq!(kinds(&e, R::Resource, P::Read), [PathKind::GroupsClaim]);
    // No principal claim: Camunda refuses the token.
    let e = analyzer.explain(&token(json!({}), TokenSettings::default()));
    assert_eq!(e.token.unwrap().problems.len(), 1);
}

#[test]
fn who_can_lists_every_holder_with_its_path() {
    let state = quickstart();
    let analyzer = Analyzer::new(&state);
    let found = holders(&analyzer, &Check::of("RESOURCE:*", "CREATE").unwrap());
    let names: Vec<String> = found.iter().map(|h| h.principal.to_string()).collect();
    assert_eq!(names, ["client:ci-deployer", "role:deployer"]);
    assert_eq!(found[0].paths[0].path.kind, PathKind::Role);
    let found = holders(
        &analyzer,
        &Check::of("MESSAGE:order-placed", "CREATE").unwrap(),
    );
    let names: Vec<String> = found.iter().map(|h| h.principal.to_string()).collect();
    assert_eq!(
        names,
        [
            "client:order-worker",
            "group:order-workers",
            "role:order-job-worker"
        ]
    );
    // Mapping rules are holders too.
    let state = oidc();
    let analyzer = Analyzer::new(&state);
    let found = holders(&analyzer, &Check::of("MESSAGE:*", "CREATE").unwrap());
    assert_eq!(
        found[0].principal,
        Principal::MappingRule("platform".into())
    );
}

#[test]
fn documents_read_back() {
    let state = quickstart();
    let analyzer = Analyzer::new(&state);
    let e = analyzer.explain(&subject(client("order-worker")));
    let check: Check = "MESSAGE:*:CREATE".parse().unwrap();
    let verdict = Verdict::new(&analyzer, &e, &check);
    let source = Source::Files {
        paths: vec!["access".to_owned()],
        camunda_version: crate::model::CamundaVersion::V8_8,
    };
    let doc = ExplainDocument::new(source.clone(), e, Some(verdict), false);
    let text = serde_json::to_string(&doc).unwrap();
    let back: ExplainDocument = serde_json::from_str(&text).unwrap();
    assert_eq!(back, doc);
    let doc = WhoCanDocument::new(source, check.clone(), holders(&analyzer, &check));
    let text = serde_json::to_string(&doc).unwrap();
    let back: WhoCanDocument = serde_json::from_str(&text).unwrap();
    assert_eq!(back, doc);
}

#[test]
fn permissions_agree_with_the_plan_s_effective_access_on_every_example() {
    use std::collections::BTreeSet;

    use crate::plan::access::{Permission, effective_all};

    for example in [
        "quickstart",
        "oidc-groups-claim",
        "platform-team",
        "multi-tenant",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(example);
        let outcome = crate::config::load(
            &[path],
            crate::model::CamundaVersion::V8_8,
            &crate::config::Variables::default(),
        );
        let state = outcome.desired.expect(example).state;
        let analyzer = Analyzer::new(&state);
        for (principal, expected) in effective_all(&state) {
            let e = analyzer.explain(&subject(principal.clone()));
            let found: BTreeSet<Permission> = e
                .grants()
                .map(|(resource_type, resource, permission, _)| Permission {
                    resource_type,
                    resource: resource.clone(),
                    permission,
                })
                .collect();
            assert_eq!(found, expected, "{example}: {principal}");
        }
    }
}
