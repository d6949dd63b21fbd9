//! The validator's rules as data: each case is a file and the diagnostics it
//! must produce, by code and place (line:column), so a rule change is
//! checked without running the binary. The CLI snapshot corpus
//! (`tests/corpus`) checks how the same diagnostics read.

use crate::config::interpolate::Variables;
use crate::config::loader::parse;
use crate::config::source::{FileId, SourceFile, Sources};
use crate::config::validate::Validator;
use crate::config::validate::policy::parse_protect;
use crate::model::catalogue::CamundaVersion;
use crate::model::desired::Referenced;
use crate::model::ids::is_email;
use crate::model::state::Container;

/// Validates `yaml` as the only file; returns `code@line:column` for each
/// diagnostic, in the order found, and the help texts.
fn diagnose(yaml: &str, version: CamundaVersion, vars: &[(&str, &str)]) -> (Vec<String>, String) {
    let mut sources = Sources::default();
    let file = sources.add(SourceFile::new("access.yaml", yaml));
    let raw = parse(yaml).expect("the case is well-formed YAML");
    let vars = Variables::new(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    let (_, diagnostics) =
        Validator::new(&sources, &vars, version).validate(&[(FileId(file.0), raw)]);
    let found = diagnostics
        .iter()
        .map(|d| {
            let at = d
                .primary
                .as_ref()
                .map(|l| format!("@{}:{}", l.loc.line, l.loc.column))
                .unwrap_or_default();
            format!("{}{at}", d.code)
        })
        .collect();
    let help = diagnostics
        .iter()
        .filter_map(|d| d.help.clone())
        .collect::<Vec<_>>()
        .join("\n");
    (found, help)
}

struct Case {
    name: &'static str,
    yaml: &'static str,
    version: CamundaVersion,
    vars: &'static [(&'static str, &'static str)],
    expected: &'static [&'static str],
    /// Text the help of some diagnostic must contain.
    help_has: &'static str,
}

const V88: CamundaVersion = CamundaVersion::V8_8;
const V89: CamundaVersion = CamundaVersion::V8_9;

const CASES: &[Case] = &[
    Case {
        name: "a valid file has no diagnostics",
        yaml: "version: 1\nroles:\n  - id: reader\n    name: Reader\n    permissions:\n      - resource: PROCESS_DEFINITION\n        id: \"*\"\n        allow: [READ_PROCESS_DEFINITION]\n",
        version: V88,
        vars: &[],
        expected: &[],
        help_has: "",
    },
    Case {
        name: "a file without version",
        yaml: "groups:\n  - id: g\n",
        version: V88,
        vars: &[],
        expected: &["missing-version@1:1"],
        help_has: "version: 1",
    },
    Case {
        name: "an unknown format version",
        yaml: "version: 2\n",
        version: V88,
        vars: &[],
        expected: &["unknown-version@1:10"],
        help_has: "format version 1",
    },
    Case {
        name: "an ID with a slash",
        yaml: "version: 1\ngroups:\n  - id: a/b\n",
        version: V88,
        vars: &[],
        expected: &["invalid-id@3:9"],
        help_has: "IDs use letters, digits",
    },
    Case {
        name: "the wildcard as an entity ID",
        yaml: "version: 1\nclients:\n  - id: \"*\"\n",
        version: V88,
        vars: &[],
        expected: &["invalid-id@3:9"],
        help_has: "only meaningful as a resource ID",
    },
    Case {
        name: "a tenant ID with tenant rules",
        yaml: "version: 1\ntenants:\n  - id: a@b\n",
        version: V88,
        vars: &[],
        expected: &["invalid-tenant-id@3:9"],
        help_has: "at most 31 characters",
    },
    Case {
        name: "the same ID twice points at the second, related to the first",
        yaml: "version: 1\nroles:\n  - id: r\n  - id: r\n",
        version: V88,
        vars: &[],
        expected: &["duplicate-id@4:9"],
        help_has: "declare each ID once",
    },
    Case {
        name: "an unset variable",
        yaml: "version: 1\ngroups:\n  - id: ${env:TEAM}\n",
        version: V88,
        vars: &[],
        expected: &["unset-variable@3:9"],
        help_has: "${env:TEAM:-value}",
    },
    Case {
        name: "a set variable is interpolated before the ID is checked",
        yaml: "version: 1\ngroups:\n  - id: ${env:TEAM}\n",
        version: V88,
        vars: &[("TEAM", "a/b")],
        expected: &["invalid-id@3:9"],
        help_has: "",
    },
    Case {
        name: "a malformed variable reference",
        yaml: "version: 1\ngroups:\n  - id: ${env:TEAM\n",
        version: V88,
        vars: &[],
        expected: &["invalid-variable@3:9"],
        help_has: "$${",
    },
    Case {
        name: "a mistyped resource type gets a suggestion",
        yaml: "version: 1\nclients:\n  - id: c\n    permissions:\n      - resource: PROCESS_DEFINITON\n        id: \"*\"\n        allow: [READ]\n",
        version: V88,
        vars: &[],
        expected: &["unknown-resource-type@5:19"],
        help_has: "did you mean PROCESS_DEFINITION?",
    },
    Case {
        name: "a resource type of a later version",
        yaml: "version: 1\nclients:\n  - id: c\n    permissions:\n      - resource: CLUSTER_VARIABLE\n        id: \"*\"\n        allow: [READ]\n",
        version: V88,
        vars: &[],
        expected: &["unknown-resource-type@5:19"],
        help_has: "exists from Camunda 8.9 on",
    },
    Case {
        name: "a permission the resource type does not support",
        yaml: "version: 1\nclients:\n  - id: c\n    permissions:\n      - resource: MESSAGE\n        id: \"*\"\n        allow: [DELETE_PROCESS_INSTANCE]\n",
        version: V88,
        vars: &[],
        expected: &["unsupported-permission@7:17"],
        help_has: "MESSAGE supports in Camunda 8.8",
    },
    Case {
        name: "a permission that is not one",
        yaml: "version: 1\nclients:\n  - id: c\n    permissions:\n      - resource: MESSAGE\n        id: \"*\"\n        allow: [read]\n",
        version: V88,
        vars: &[],
        expected: &["unknown-permission@7:17"],
        help_has: "MESSAGE supports in Camunda 8.8",
    },
    Case {
        name: "an empty allow",
        yaml: "version: 1\nclients:\n  - id: c\n    permissions:\n      - resource: MESSAGE\n        id: \"*\"\n        allow: []\n",
        version: V88,
        vars: &[],
        expected: &["empty-allow@7:16"],
        help_has: "MESSAGE supports",
    },
    Case {
        name: "a partial wildcard",
        yaml: "version: 1\nclients:\n  - id: c\n    permissions:\n      - resource: PROCESS_DEFINITION\n        id: \"order-*\"\n        allow: [READ_PROCESS_DEFINITION]\n",
        version: V88,
        vars: &[],
        expected: &["partial-wildcard@6:13"],
        help_has: "list the IDs with `ids`",
    },
    Case {
        name: "both id and ids point at the second",
        yaml: "version: 1\nclients:\n  - id: c\n    permissions:\n      - resource: PROCESS_DEFINITION\n        id: \"*\"\n        ids: [a]\n        allow: [READ_PROCESS_DEFINITION]\n",
        version: V88,
        vars: &[],
        expected: &["resource-selector@7:14"],
        help_has: "(8.9) `property`",
    },
    Case {
        name: "a property before 8.9",
        yaml: "version: 1\nclients:\n  - id: c\n    permissions:\n      - resource: USER_TASK\n        property: assignee\n        allow: [READ]\n",
        version: V88,
        vars: &[],
        expected: &["unknown-resource-type@5:19", "property-needs-8-9@6:19"],
        help_has: "",
    },
    Case {
        name: "a property on a type without properties",
        yaml: "version: 1\nclients:\n  - id: c\n    permissions:\n      - resource: MESSAGE\n        property: assignee\n        allow: [READ]\n",
        version: V89,
        vars: &[],
        expected: &["unsupported-property@6:19"],
        help_has: "for USER_TASK",
    },
    Case {
        name: "an undeclared group as a member's container is a warning",
        yaml: "version: 1\nclients:\n  - id: c\n    groups: [ops]\n",
        version: V88,
        vars: &[],
        expected: &["undeclared-reference@4:14"],
        help_has: "declare it under `groups`",
    },
    Case {
        name: "built-in containers are never undeclared",
        yaml: "version: 1\nclients:\n  - id: c\n    roles: [admin]\n    tenants: [<default>]\n",
        version: V88,
        vars: &[],
        expected: &[],
        help_has: "",
    },
    Case {
        name: "a membership declared from both sides",
        yaml: "version: 1\ngroups:\n  - id: g\n    members:\n      clients: [c]\nclients:\n  - id: c\n    groups: [g]\n",
        version: V88,
        vars: &[],
        expected: &["duplicate-member@8:14"],
        help_has: "once is enough",
    },
    Case {
        name: "a member ID is checked like any ID",
        yaml: "version: 1\nroles:\n  - id: r\n    members:\n      users: [\"a b\"]\n",
        version: V88,
        vars: &[],
        expected: &["invalid-id@5:15"],
        help_has: "",
    },
    Case {
        name: "an unknown members-mode",
        yaml: "version: 1\ngroups:\n  - id: g\n    members-mode: replace\n",
        version: V88,
        vars: &[],
        expected: &["invalid-members-mode@4:19"],
        help_has: "`additive`",
    },
    Case {
        name: "an owner declared in its own section",
        yaml: "version: 1\nclients:\n  - id: c\nauthorizations:\n  - owner: {type: CLIENT, id: c}\n    resource: MESSAGE\n    id: \"*\"\n    allow: [CREATE]\n",
        version: V88,
        vars: &[],
        expected: &["owner-declared-elsewhere@5:31"],
        help_has: "under `permissions:` there",
    },
    Case {
        name: "tenants own no authorizations",
        yaml: "version: 1\nauthorizations:\n  - owner: {type: TENANT, id: t}\n    resource: MESSAGE\n    id: \"*\"\n    allow: [CREATE]\n",
        version: V88,
        vars: &[],
        expected: &["unknown-owner-type@3:19"],
        help_has: "owner types: USER",
    },
    Case {
        name: "a mapping rule without a claim names the rule",
        yaml: "version: 1\nmapping-rules:\n  - id: m\n    value: x\n",
        version: V88,
        vars: &[],
        expected: &["missing-field@3:9"],
        help_has: "add `claim:`",
    },
    Case {
        name: "a boolean claim value is a warning",
        yaml: "version: 1\nmapping-rules:\n  - id: m\n    claim: email_verified\n    value: \"true\"\n",
        version: V88,
        vars: &[],
        expected: &["typed-claim-value@5:12"],
        help_has: "as strings",
    },
    Case {
        name: "a literal password",
        yaml: "version: 1\nusers:\n  - username: u\n    password: hunter22\n",
        version: V88,
        vars: &[],
        expected: &["literal-password@4:15"],
        help_has: "${secret:NAME}",
    },
    Case {
        name: "an unknown prune kind",
        yaml: "version: 1\npolicy:\n  prune: [things]\n",
        version: V88,
        vars: &[],
        expected: &["unknown-prune-kind@3:11"],
        help_has: "use one of:",
    },
];

#[test]
fn rules_report_their_code_at_the_right_place() {
    assert!(CASES.len() >= 25);
    let mut failures = Vec::new();
    for case in CASES {
        let (found, help) = diagnose(case.yaml, case.version, case.vars);
        if found != case.expected {
            failures.push(format!(
                "{}: expected {:?}, found {found:?}",
                case.name, case.expected
            ));
        } else if !help.contains(case.help_has) {
            failures.push(format!(
                "{}: no help contains {:?}; help was:\n{help}",
                case.name, case.help_has
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn emails() {
    assert!(is_email("alice@example.com"));
    assert!(!is_email("alice"));
    assert!(!is_email("alice@localhost"));
    assert!(!is_email("a b@example.com"));
    assert!(!is_email("a@b@example.com"));
    assert!(!is_email("@example.com"));
}

#[test]
fn protect_refs() {
    assert_eq!(
        parse_protect("group:break-glass"),
        Ok(Referenced::Container(Container::Group(
            "break-glass".into()
        )))
    );
    assert!(parse_protect("client:ops-admin").is_ok());
    assert!(parse_protect("tenant:<default>").is_ok());
    assert!(parse_protect("thing:x").is_err());
    assert!(parse_protect("group").is_err());
    assert!(parse_protect("group:a/b").is_err());
}
