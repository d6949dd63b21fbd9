//! The validator's diagnostics, one constructor per kind of problem: message,
//! label and help sit together here, so the rules elsewhere read as rules.
//! Codes, severities and summaries are in `config::diagnostic`.

use crate::config::diagnostic::{Code, Diagnostic};
use crate::config::source::Loc;
use crate::model::catalogue::{CamundaVersion, PermissionType, ResourceType};
use crate::model::ids::IdError;
use crate::model::rules::RuleId;
use crate::model::state::{AuthorizationTuple, Membership, Principal, ResourceSelector};

/// The help for an owner type that is missing or not known.
pub(super) const OWNER_TYPES: &str = "owner types: USER, CLIENT, GROUP, ROLE, MAPPING_RULE";

// ---- values -----------------------------------------------------------------

pub(super) fn unset_variable(loc: Loc, name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UnsetVariable,
        loc,
        format!("environment variable {name} is not set"),
    )
    .label("used here")
    .help(format!(
        "set {name}, or give a default: ${{env:{name}:-value}}"
    ))
}

pub(super) fn invalid_variable(loc: Loc, reason: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidVariable,
        loc,
        format!("bad variable reference: {reason}"),
    )
    .help("write ${env:NAME} or ${env:NAME:-default}; write $${ for a literal ${")
}

/// `what` is empty; `help` says what to write instead.
pub(super) fn blank_value(loc: Loc, what: &str, help: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::BlankValue, loc, format!("{what} is empty")).help(help)
}

/// A syntactically invalid ID; `code` is `invalid-id`, `invalid-tenant-id`
/// or `invalid-resource-id`.
pub(super) fn invalid_id(code: Code, loc: Loc, what: &str, id: &str, error: IdError) -> Diagnostic {
    let help = match (&error, code) {
        (IdError::Wildcard, _) => "`*` is only meaningful as a resource ID in permissions",
        (IdError::DotSegment, _) => "choose an ID with at least one character besides `.`",
        (_, Code::InvalidTenantId) => {
            "tenant IDs use letters, digits, `_`, `.` and `-`, at most 31 characters (or `<default>`)"
        }
        _ => "IDs use letters, digits and `_ ~ @ . + -`, at most 256 characters",
    };
    Diagnostic::new(code, loc, format!("{what} '{id}' {error}")).help(help)
}

/// A key an entry needs is missing; `subject` names the entry.
pub(super) fn missing_field(
    loc: Loc,
    subject: &str,
    key: &str,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(Code::MissingField, loc, format!("{subject} has no `{key}`")).help(help)
}

// ---- files --------------------------------------------------------------------

pub(super) fn missing_version(loc: Loc, file: &str) -> Diagnostic {
    Diagnostic::new(
        Code::MissingVersion,
        loc,
        format!("{file} has no `version`"),
    )
    .help("start every file with `version: 1`")
}

pub(super) fn unknown_version(loc: Loc, version: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UnknownVersion,
        loc,
        format!("format version '{version}' is not supported"),
    )
    .label("expected 1")
    .help("this tool reads format version 1")
}

// ---- entities -----------------------------------------------------------------

pub(super) fn duplicate_id(loc: Loc, noun: &str, id: &str, first: Loc) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateId,
        loc,
        format!("{noun} '{id}' is declared twice"),
    )
    .label("declared again here")
    .related(first, "first declared here")
    .help("declare each ID once; several files form one state")
}

pub(super) fn invalid_lifecycle(loc: Loc, value: &str) -> Diagnostic {
    let guess = super::suggest::closest(value, ["MANAGE", "CREATE_ONLY", "OBSERVE"].into_iter())
        .map(|g| {
            format!(
                " (did you mean `{}`?)",
                g.to_ascii_lowercase().replace('_', "-")
            )
        })
        .unwrap_or_default();
    Diagnostic::new(
        Code::InvalidLifecycle,
        loc,
        format!("'{value}' is not a lifecycle{guess}"),
    )
    .help("use manage (the default: kept as declared), create-only (created when missing, never changed after) or observe (never written; differences reported)")
}

pub(super) fn idle_lifecycle(loc: Loc, object: &str) -> Diagnostic {
    Diagnostic::new(
        Code::IdleLifecycle,
        loc,
        format!("{object} always exists, so `create-only` never writes anything of it: its members are never added"),
    )
    .help("use `observe` to watch it without writing, or leave `lifecycle` out to manage its members")
}

pub(super) fn invalid_members_mode(loc: Loc, mode: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidMembersMode,
        loc,
        format!("members-mode '{mode}' is not known"),
    )
    .help("use `authoritative` (the default) or `additive`")
}

/// The name or description of a built-in role or tenant.
pub(super) fn built_in_attribute(loc: Loc, what: &str, entity: &str) -> Diagnostic {
    Diagnostic::new(
        Code::BuiltInAttribute,
        loc,
        format!("the {what} of built-in {entity} is never changed"),
    )
    .help("remove it; only the members of built-in roles and the <default> tenant are managed")
}

/// Permissions granted to a built-in role.
pub(super) fn built_in_permissions(loc: Loc, role: &str) -> Diagnostic {
    Diagnostic::new(
        Code::BuiltInAttribute,
        loc,
        format!("the permissions of built-in role {role} are never changed"),
    )
    .help("grant permissions to a role of your own and add members to it")
}

pub(super) fn duplicate_claim(loc: Loc, claim: &str, value: &str, first: Loc) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateClaim,
        loc,
        format!("another mapping rule already matches claim '{claim}' with value '{value}'"),
    )
    .label("same claim and value")
    .related(first, "first used here")
    .help("Camunda allows each claim/value pair in one mapping rule only; merge the two rules")
}

/// `kind` is what the value looks like: `boolean` or `number`.
pub(super) fn typed_claim_value(loc: Loc, rule: &str, value: &str, kind: &str) -> Diagnostic {
    Diagnostic::new(
        Code::TypedClaimValue,
        loc,
        format!(
            "mapping rule {rule} matches only a claim holding the string '{value}', never the {kind} {value}"
        ),
    )
    .label(format!("looks like a {kind}"))
    .help("Camunda compares a token's claim with the rule's value as strings, without conversion: a claim such as `email_verified: true` or `level: 7` is never matched. Match a claim the identity provider sends as a string (or an array of strings)")
}

pub(super) fn invalid_email(loc: Loc, email: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidEmail,
        loc,
        format!("'{email}' is not a valid e-mail address"),
    )
    .help("write an address like name@example.com, or leave `email` out")
}

pub(super) fn literal_password(loc: Loc) -> Diagnostic {
    Diagnostic::new(
        Code::LiteralPassword,
        loc,
        "the password is written in the file",
    )
    .label("anyone who reads the repository reads this")
    .help("use ${secret:NAME} (or ${env:NAME}) with a variable that holds the password")
}

// ---- policy -------------------------------------------------------------------

pub(super) fn duplicate_policy(loc: Loc, first: Loc) -> Diagnostic {
    Diagnostic::new(Code::DuplicatePolicy, loc, "`policy` is declared twice")
        .label("declared again here")
        .related(first, "first declared here")
        .help("keep one `policy:` section for the whole state")
}

/// `kinds` lists the kinds that can be pruned.
pub(super) fn unknown_prune_kind(loc: Loc, kind: &str, kinds: &[&str]) -> Diagnostic {
    Diagnostic::new(
        Code::UnknownPruneKind,
        loc,
        format!("'{kind}' is not a kind that can be pruned"),
    )
    .help(format!("use one of: {}", kinds.join(", ")))
}

pub(super) fn invalid_protect(loc: Loc, entry: &str, reason: &str) -> Diagnostic {
    Diagnostic::new(Code::InvalidProtect, loc, format!("'{entry}' {reason}"))
        .help("write kind:id, e.g. group:break-glass or client:ops-admin (kinds: group, role, tenant, mapping-rule, user, client)")
}

pub(super) fn unknown_rule(loc: Loc, rule: &str, suggestion: Option<&str>) -> Diagnostic {
    let rules: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
    let help = match suggestion {
        Some(s) => format!("did you mean '{s}'? The rules are: {}", rules.join(", ")),
        None => format!("the rules are: {}", rules.join(", ")),
    };
    Diagnostic::new(
        Code::UnknownRule,
        loc,
        format!("'{rule}' is not a guardrail rule"),
    )
    .help(help)
}

pub(super) fn invalid_moved(loc: Loc, problem: &str, help: &str) -> Diagnostic {
    Diagnostic::new(Code::InvalidMoved, loc, problem.to_owned()).help(help.to_owned())
}

pub(super) fn invalid_rule_level(loc: Loc, rule: &str, level: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidRuleLevel,
        loc,
        format!("'{level}' is not a level for rule '{rule}'"),
    )
    .help("use deny (apply refuses a plan that introduces a violation), warn (the plan shows it) or allow (the rule is off)")
}

// ---- members ------------------------------------------------------------------

pub(super) fn duplicate_member(loc: Loc, edge: &Membership, first: Loc) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateMember,
        loc,
        format!(
            "{} is already declared a member of {}",
            edge.member, edge.container
        ),
    )
    .label("declared again here")
    .related(first, "first declared here")
    .help("memberships may be declared from either side, but once is enough")
}

// ---- permissions ----------------------------------------------------------------

pub(super) fn unknown_owner_type(loc: Loc, owner_type: &str) -> Diagnostic {
    let hint = if owner_type == "TENANT" {
        "; tenants do not own authorizations"
    } else {
        ""
    };
    Diagnostic::new(
        Code::UnknownOwnerType,
        loc,
        format!("owner type '{owner_type}' is not known{hint}"),
    )
    .help(OWNER_TYPES)
}

pub(super) fn duplicate_authorization(
    loc: Loc,
    tuple: &AuthorizationTuple,
    first: Loc,
) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateAuthorization,
        loc,
        format!("permissions for {tuple} are declared twice"),
    )
    .label("declared again here")
    .related(first, "first declared here")
    .help("list all permissions for one owner and resource in one entry")
}

pub(super) fn create_needs_wildcard(loc: Loc, selector: &ResourceSelector) -> Diagnostic {
    Diagnostic::new(
        Code::CreateNeedsWildcard,
        loc,
        format!("RESOURCE:CREATE on '{selector}' has no effect beyond `*`"),
    )
    .help("Camunda documents RESOURCE:CREATE with resource ID `*` only; grant it on `id: \"*\"`")
}

/// How the help of a problem a later Camunda version would not have ends,
/// before the version (`validate`'s flag; `explain` and `who-can` name
/// themselves instead).
pub(crate) const LATER_VERSION_HINT: &str = "validate with --camunda-version";

/// A resource type of a later Camunda version.
pub(super) fn resource_type_too_new(
    loc: Loc,
    rt: ResourceType,
    version: CamundaVersion,
) -> Diagnostic {
    Diagnostic::new(
        Code::UnknownResourceType,
        loc,
        format!("resource type {rt} does not exist in Camunda {version}"),
    )
    .help(format!(
        "{rt} exists from Camunda {} on; {LATER_VERSION_HINT} {} if the cluster runs it",
        rt.since(),
        rt.since()
    ))
}

/// Not a resource type at all; `suggestion` is the closest one, if any.
pub(super) fn unknown_resource_type(
    loc: Loc,
    text: &str,
    suggestion: Option<&str>,
    version: CamundaVersion,
    known: &str,
) -> Diagnostic {
    let hint = match suggestion {
        Some(name) => format!("did you mean {name}? "),
        None => String::new(),
    };
    Diagnostic::new(
        Code::UnknownResourceType,
        loc,
        format!("'{text}' is not a resource type"),
    )
    .help(format!(
        "{hint}resource types in Camunda {version}: {known}"
    ))
}

/// None or several of `id`, `ids` and `property`; `given` are those written.
pub(super) fn resource_selector(loc: Loc, given: &[&str]) -> Diagnostic {
    let message = if given.is_empty() {
        "permission names no resource: add `id`, `ids` or `property`".to_owned()
    } else {
        format!("permission has both `{}`", given.join("` and `"))
    };
    Diagnostic::new(Code::ResourceSelector, loc, message).help(
        "use `id: \"*\"` for every resource, `id`/`ids` for specific ones, or (8.9) `property`",
    )
}

pub(super) fn empty_ids(loc: Loc) -> Diagnostic {
    Diagnostic::new(Code::ResourceSelector, loc, "`ids` is empty")
        .help("list at least one resource ID, or use `id: \"*\"`")
}

pub(super) fn property_needs_89(loc: Loc, version: CamundaVersion) -> Diagnostic {
    Diagnostic::new(
        Code::PropertyNeeds89,
        loc,
        format!("property-based authorizations do not exist in Camunda {version}"),
    )
    .help(format!(
        "they exist from Camunda 8.9 on; {LATER_VERSION_HINT} 8.9 if the cluster runs it"
    ))
}

/// A property on a resource type other than `USER_TASK`.
pub(super) fn property_on_other_type(loc: Loc, rt: ResourceType) -> Diagnostic {
    Diagnostic::new(
        Code::UnsupportedProperty,
        loc,
        format!("{rt} has no property-based authorizations"),
    )
    .help("property-based authorizations are for USER_TASK; use `id` or `ids` here")
}

/// Not one of `properties`.
pub(super) fn unknown_property(loc: Loc, property: &str, properties: &[&str]) -> Diagnostic {
    Diagnostic::new(
        Code::UnsupportedProperty,
        loc,
        format!("'{property}' is not a user-task property"),
    )
    .help(format!("properties: {}", properties.join(", ")))
}

pub(super) fn partial_wildcard(loc: Loc, id: &str) -> Diagnostic {
    Diagnostic::new(
        Code::PartialWildcard,
        loc,
        format!("'{id}' is a partial wildcard"),
    )
    .help("Camunda matches `*` alone (every resource) or an exact ID; list the IDs with `ids`")
}

/// `supported` lists what the resource type supports, when it is known.
pub(super) fn empty_allow(loc: Loc, supported: Option<(ResourceType, String)>) -> Diagnostic {
    Diagnostic::new(Code::EmptyAllow, loc, "`allow` is empty").help(match supported {
        Some((rt, list)) => format!("list permissions to grant; {rt} supports: {list}"),
        None => "list the permission types to grant, or remove the entry".to_owned(),
    })
}

/// A permission type of a later Camunda version; `supported` as for
/// [`empty_allow`].
pub(super) fn permission_too_new(
    loc: Loc,
    p: PermissionType,
    version: CamundaVersion,
    supported: Option<(ResourceType, String)>,
) -> Diagnostic {
    Diagnostic::new(
        Code::UnknownPermission,
        loc,
        format!("permission {p} does not exist in Camunda {version}"),
    )
    .help(format!(
        "{p} exists from Camunda {} on{}",
        p.since(),
        supported
            .map(|(rt, list)| format!("; {rt} supports here: {list}"))
            .unwrap_or_default()
    ))
}

pub(super) fn unsupported_permission(
    loc: Loc,
    rt: ResourceType,
    p: PermissionType,
    version: CamundaVersion,
    supported: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::UnsupportedPermission,
        loc,
        format!("{rt} does not support permission {p}"),
    )
    .label("not supported")
    .help(format!("{rt} supports in Camunda {version}: {supported}"))
}

/// Not a permission type at all; `supported` as for [`empty_allow`].
pub(super) fn unknown_permission(
    loc: Loc,
    text: &str,
    version: CamundaVersion,
    supported: Option<(ResourceType, String)>,
) -> Diagnostic {
    let help = match supported {
        Some((rt, list)) => format!("{rt} supports in Camunda {version}: {list}"),
        None => "permission types are upper case, e.g. READ or CREATE_PROCESS_INSTANCE".to_owned(),
    };
    Diagnostic::new(
        Code::UnknownPermission,
        loc,
        format!("'{text}' is not a permission type"),
    )
    .help(help)
}

// ---- references -----------------------------------------------------------------

pub(super) fn owner_declared_elsewhere(loc: Loc, owner: &Principal, declared: Loc) -> Diagnostic {
    Diagnostic::new(
        Code::OwnerDeclaredElsewhere,
        loc,
        format!("{owner} is declared in its own section"),
    )
    .related(declared, "declared here")
    .help("list its permissions under `permissions:` there")
}

/// `section` is the key it would be declared under.
pub(super) fn undeclared_reference(loc: Loc, noun: &str, id: &str, section: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UndeclaredReference,
        loc,
        format!("{noun} '{id}' is not declared"),
    )
    .help(format!(
        "declare it under `{section}`, or make sure it exists in the cluster (plan checks)"
    ))
}
