//! Configuration diagnostics: a stable code, a severity, a message, the place
//! it points at, and help.

use std::fmt;

use serde::Serialize;

use crate::config::source::Loc;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the configuration is still valid.
    Warning,
    /// The configuration is invalid.
    Error,
}

macro_rules! codes {
    ($( $(#[$meta:meta])* $variant:ident = $name:literal, $severity:ident, $summary:literal; )+) => {
        /// A stable diagnostic code. Codes are never renamed or reused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[$meta])* #[doc = $summary] $variant, )+
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The kebab-case name shown to users.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)+ }
            }

            /// The severity diagnostics with this code have.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)+ }
            }

            /// One sentence saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)+ }
            }
        }
    };
}

codes! {
    // Files
    NoConfig = "no-config", Error, "No YAML file was found at the given paths.";
    FileUnreadable = "file-unreadable", Error, "A file or directory could not be read.";
    FileTooLarge = "file-too-large", Error, "A file is larger than the 32 MiB a configuration file may have.";
    InvalidUtf8 = "invalid-utf8", Error, "A file is not valid UTF-8.";
    // YAML
    YamlSyntax = "yaml-syntax", Error, "The file is not well-formed YAML (including tabs used for indentation).";
    YamlLimit = "yaml-limit", Error, "The file exceeds a safety limit: nesting depth, node count, alias expansion or scalar size.";
    DuplicateKey = "duplicate-key", Error, "A mapping has the same key twice.";
    MultipleDocuments = "multiple-documents", Error, "A file holds more than one YAML document (`---`); use one file per document.";
    UnknownKey = "unknown-key", Error, "A key is not part of the format (keys are kebab-case).";
    InvalidType = "invalid-type", Error, "A value has the wrong shape, e.g. a list where a string belongs.";
    MissingField = "missing-field", Error, "A required key is missing.";
    // Variables
    UnsetVariable = "unset-variable", Error, "`${env:NAME}` names an environment variable that is not set and has no default.";
    InvalidVariable = "invalid-variable", Error, "A `${` is not a well-formed `${env:NAME}`, `${env:NAME:-default}` or `${secret:NAME}` reference (write `$${` for a literal `${`).";
    LiteralPassword = "literal-password", Warning, "A user's password is written in the file instead of coming from `${secret:NAME}` or `${env:NAME}`.";
    // Version and policy
    MissingVersion = "missing-version", Error, "A file has no `version:`; every file must say `version: 1`.";
    UnknownVersion = "unknown-version", Error, "A file's `version` is not a format version this tool reads (only 1).";
    DuplicatePolicy = "duplicate-policy", Error, "`policy:` appears in more than one file.";
    UnknownPruneKind = "unknown-prune-kind", Error, "`policy.prune` names something other than tenants, groups, roles, mapping-rules, users or authorizations.";
    InvalidProtect = "invalid-protect", Error, "A `policy.protect` entry is not `kind:id` with kind group, role, tenant, mapping-rule, user or client.";
    UnknownRule = "unknown-rule", Error, "`policy.rules` names a rule that does not exist (see the rule IDs in the README).";
    InvalidRuleLevel = "invalid-rule-level", Error, "A `policy.rules` level is not `deny`, `warn` or `allow`.";
    InvalidMoved = "invalid-moved", Error, "A `moved:` entry is not `from`/`to` of one kind (group, role, tenant, mapping-rule), names a declared old object or an undeclared new one, or moves an object twice.";
    // Entities
    InvalidId = "invalid-id", Error, "An ID breaks Camunda's ID rules (pattern `^[a-zA-Z0-9_~@.+-]+$`, at most 256 characters, not `*`).";
    InvalidTenantId = "invalid-tenant-id", Error, "A tenant ID breaks Camunda's rules (letters, digits, `_`, `.`, `-`, at most 31 characters, or `<default>`).";
    BlankValue = "blank-value", Error, "A name, claim or other required text is empty.";
    InvalidEmail = "invalid-email", Error, "A user's email is not a valid address.";
    InvalidMembersMode = "invalid-members-mode", Error, "`members-mode` is neither `authoritative` nor `additive`.";
    InvalidLifecycle = "invalid-lifecycle", Error, "`lifecycle` is not `manage`, `create-only` or `observe`.";
    IdleLifecycle = "idle-lifecycle", Warning, "`lifecycle: create-only` on a built-in role or `<default>`, which Camunda always has: nothing of it would ever be written.";
    DuplicateId = "duplicate-id", Error, "The same ID is declared twice (in one file or across files).";
    DuplicateClaim = "duplicate-claim", Error, "Two mapping rules have the same claim and value; Camunda allows each pair once.";
    TypedClaimValue = "typed-claim-value", Warning, "A mapping rule's value looks like a boolean or number; Camunda compares claims as strings without conversion, so a boolean or number claim never matches it.";
    DuplicateMember = "duplicate-member", Warning, "The same membership is declared more than once.";
    BuiltInAttribute = "built-in-attribute", Error, "A built-in role or the `<default>` tenant is given a name, description or permissions, which are never changed.";
    UndeclaredReference = "undeclared-reference", Warning, "A group, role, tenant or mapping rule is referenced but not declared; it must exist in the cluster.";
    UnresolvedReference = "unresolved-reference", Error, "A referenced group, role, tenant or mapping rule is neither declared nor present in the cluster (plan).";
    DisabledApi = "disabled-api", Error, "The configuration manages a kind whose API the cluster has switched off (tenants, groups or users) (plan).";
    // Authorizations
    UnknownResourceType = "unknown-resource-type", Error, "`resource` is not a resource type of the chosen Camunda version.";
    UnknownPermission = "unknown-permission", Error, "An `allow` entry is not a permission type of the chosen Camunda version.";
    UnsupportedPermission = "unsupported-permission", Error, "An `allow` entry is a permission the resource type does not support.";
    UnknownOwnerType = "unknown-owner-type", Error, "`owner.type` is not USER, CLIENT, GROUP, ROLE or MAPPING_RULE.";
    EmptyAllow = "empty-allow", Error, "`allow` lists no permission.";
    PartialWildcard = "partial-wildcard", Error, "A resource ID contains `*` but is not `*` itself; Camunda has no partial wildcards.";
    InvalidResourceId = "invalid-resource-id", Error, "A resource ID breaks Camunda's ID rules.";
    ResourceSelector = "resource-selector", Error, "A permission needs exactly one of `id`, `ids` or `property`.";
    PropertyNeeds89 = "property-needs-8-9", Error, "Property-based authorizations (`property:`) exist from Camunda 8.9 on.";
    UnsupportedProperty = "unsupported-property", Error, "A property-based authorization is not on USER_TASK or names an unknown property.";
    DuplicateAuthorization = "duplicate-authorization", Error, "The same owner, resource type and resource are declared twice; list all permissions once.";
    OwnerDeclaredElsewhere = "owner-declared-elsewhere", Warning, "`authorizations` names an owner that is declared in its own section; put the permissions there.";
    CreateNeedsWildcard = "create-needs-wildcard", Warning, "Camunda documents RESOURCE:CREATE as meaningful only on `*`.";
    // Targets file
    TargetsFile = "targets-file", Error, "The targets file (`camunda-access.toml`) cannot be read or parsed, lacks the chosen target, or holds a literal secret or an unset variable.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A labelled place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub loc: Loc,
    /// What the label says (may be empty).
    pub text: String,
}

/// One problem found in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// Short lowercase phrase.
    pub message: String,
    /// The place the problem is, when it has one.
    pub primary: Option<Label>,
    /// Other places that explain it (e.g. the first declaration of a duplicate).
    pub related: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's severity, pointing at `loc`.
    pub fn new(code: Code, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: Some(Label {
                loc,
                text: String::new(),
            }),
            related: Vec::new(),
            help: None,
        }
    }

    /// A diagnostic that points at no place (e.g. no file found).
    pub fn unlocated(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: None,
            related: Vec::new(),
            help: None,
        }
    }

    /// Sets the text of the primary label.
    pub fn label(mut self, text: impl Into<String>) -> Self {
        if let Some(primary) = &mut self.primary {
            primary.text = text.into();
        }
        self
    }

    /// Adds help.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a related place.
    pub fn related(mut self, loc: Loc, text: impl Into<String>) -> Self {
        self.related.push(Label {
            loc,
            text: text.into(),
        });
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Every diagnostic of one run, in the order they should be shown.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Sorts by file, position and code, so output is deterministic and reads
    /// top to bottom; unlocated diagnostics first.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| d.primary.as_ref().map(|l| (l.loc.file, l.loc.offset));
            key(a).cmp(&key(b)).then(a.code.cmp(&b.code))
        });
    }

    /// Keeps only the diagnostics `keep` accepts.
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.items.retain(keep);
    }

    /// Rewrites the help of every diagnostic that has one.
    pub fn edit_help(&mut self, mut edit: impl FnMut(&mut String)) {
        for help in self.items.iter_mut().filter_map(|d| d.help.as_mut()) {
            edit(help);
        }
    }

    /// The diagnostics.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = BTreeSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name}"
            );
            assert!(code.summary().ends_with('.'), "{name}");
        }
    }
}
