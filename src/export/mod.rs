//! `export`: a state as format-v1 YAML. Pure: the caller reads the cluster
//! and writes the files.
//!
//! Memberships are written on the container's side (`members:` of groups,
//! roles and tenants); authorizations on their owner's entry (`permissions:`),
//! or under `authorizations:` for owners not declared elsewhere. Clients
//! are not entities in Camunda: they are discovered from memberships and
//! CLIENT authorizations. Users are written without passwords. Built-in
//! roles and the `<default>` tenant are left out unless asked for, and
//! then only with their members (their names and authorizations are
//! never changed). The authorization Camunda gives every user on itself is
//! left out. Output is deterministic.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::model::catalogue::{BUILT_IN_ROLES, DEFAULT_TENANT, PermissionType, ResourceType};
use crate::model::desired::Lifecycle;
use crate::model::state::{AccessState, Container, Grant, Principal, ResourceSelector};

/// How files are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One file, `access.yaml`.
    Single,
    /// One file per kind: `tenants.yaml`, `groups.yaml`, …
    PerKind,
}

/// What to export, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// File layout.
    pub layout: Layout,
    /// Include built-in roles and `<default>` (their members only).
    pub include_defaults: bool,
    /// Comment lines for the top of every file (without `# `).
    pub header: Vec<String>,
    /// Where the schema is, relative to the files.
    pub schema: String,
    /// Users' password references, by username (import-init); `None`: no
    /// password line.
    pub passwords: BTreeMap<String, String>,
    /// Members of these containers are written with `members-mode: additive`.
    pub additive: BTreeSet<Container>,
    /// `lifecycle:` written on every tenant, group, role, mapping rule and
    /// user (`export --lifecycle`); `None` or `manage`: none written.
    pub lifecycle: Option<Lifecycle>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            layout: Layout::Single,
            include_defaults: false,
            header: Vec::new(),
            schema: "camunda-access.schema.json".to_owned(),
            passwords: BTreeMap::new(),
            additive: BTreeSet::new(),
            lifecycle: None,
        }
    }
}

/// A YAML scalar: plain when that reads back as the same string, else
/// double-quoted. `${` is escaped as `$${` so interpolation leaves it be.
pub fn scalar(text: &str) -> String {
    let text = text.replace("${", "$${");
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@'))
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
        && text.parse::<f64>().is_err();
    if plain {
        text
    } else {
        serde_json::to_string(&text).expect("strings serialize")
    }
}

fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| scalar(i)).collect();
    format!("[{}]", items.join(", "))
}

/// One `permissions:` entry: resource type, the line that selects
/// resources (`id:`, `ids:` or `property:`), and the `allow:` list.
struct Entry {
    resource_type: ResourceType,
    selector: String,
    allow: String,
}

/// An owner's grants as entries, grouped: one entry per resource type and
/// permission set, with all its IDs (property-based grants one each).
fn entries(grants: &[(&ResourceType, &ResourceSelector, &Grant)]) -> Vec<Entry> {
    type Key = (ResourceType, BTreeSet<PermissionType>, bool);
    let mut grouped: BTreeMap<Key, Vec<String>> = BTreeMap::new();
    for (resource_type, selector, grant) in grants {
        let (is_property, value) = match selector {
            ResourceSelector::Id(id) => (false, id.clone()),
            ResourceSelector::Property(p) => (true, p.clone()),
        };
        grouped
            .entry((**resource_type, grant.permissions.clone(), is_property))
            .or_default()
            .push(value);
    }
    let mut out = Vec::new();
    for ((resource_type, allow, is_property), mut values) in grouped {
        values.sort();
        let allow: Vec<String> = allow.iter().map(|p| p.as_str().to_owned()).collect();
        let allow = list(&allow);
        if is_property {
            for property in values {
                out.push(Entry {
                    resource_type,
                    selector: format!("property: {}", scalar(&property)),
                    allow: allow.clone(),
                });
            }
        } else if values.len() == 1 {
            out.push(Entry {
                resource_type,
                selector: format!("id: {}", scalar(&values[0])),
                allow,
            });
        } else {
            out.push(Entry {
                resource_type,
                selector: format!("ids: {}", list(&values)),
                allow,
            });
        }
    }
    out
}

struct Exporter<'a> {
    state: &'a AccessState,
    options: &'a Options,
    grants: BTreeMap<&'a Principal, Vec<(&'a ResourceType, &'a ResourceSelector, &'a Grant)>>,
    members: BTreeMap<&'a Container, Vec<&'a Principal>>,
    containers_of: BTreeMap<&'a Principal, Vec<&'a Container>>,
}

impl<'a> Exporter<'a> {
    fn new(state: &'a AccessState, options: &'a Options) -> Self {
        let mut grants: BTreeMap<&Principal, Vec<_>> = BTreeMap::new();
        for (tuple, grant) in &state.authorizations {
            // Camunda gives every user it creates this one; not configuration.
            if tuple.is_self_authorization(&grant.permissions) {
                continue;
            }
            grants.entry(&tuple.owner).or_default().push((
                &tuple.resource_type,
                &tuple.resource,
                grant,
            ));
        }
        let mut members: BTreeMap<&Container, Vec<&Principal>> = BTreeMap::new();
        let mut containers_of: BTreeMap<&Principal, Vec<&Container>> = BTreeMap::new();
        for m in &state.memberships {
            members.entry(&m.container).or_default().push(&m.member);
            containers_of
                .entry(&m.member)
                .or_default()
                .push(&m.container);
        }
        Exporter {
            state,
            options,
            grants,
            members,
            containers_of,
        }
    }

    fn is_default(container: &Container) -> bool {
        match container {
            Container::Role(r) => BUILT_IN_ROLES.contains(&r.as_str()),
            Container::Tenant(t) => t.as_str() == DEFAULT_TENANT,
            Container::Group(_) => false,
        }
    }

    fn exported(&self, container: &Container) -> bool {
        self.options.include_defaults || !Self::is_default(container)
    }

    fn members(&self, container: &Container, out: &mut String) {
        let Some(members) = self.members.get(container) else {
            return;
        };
        let mut by_kind: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for m in members {
            let kind = match m {
                Principal::User(_) => "users",
                Principal::Client(_) => "clients",
                Principal::Group(_) => "groups",
                Principal::Role(_) => "roles",
                Principal::MappingRule(_) => "mapping-rules",
            };
            by_kind.entry(kind).or_default().push(m.id().to_owned());
        }
        out.push_str("    members:\n");
        for kind in ["users", "clients", "groups", "roles", "mapping-rules"] {
            if let Some(ids) = by_kind.get_mut(kind) {
                ids.sort();
                let _ = writeln!(out, "      {kind}: {}", list(ids));
            }
        }
        if self.options.additive.contains(container) {
            out.push_str("    members-mode: additive\n");
        }
    }

    fn owned(&self, owner: &Principal, out: &mut String) {
        if let Some(grants) = self.grants.get(owner) {
            out.push_str("    permissions:\n");
            for e in entries(grants) {
                let _ = writeln!(out, "      - resource: {}", e.resource_type.as_str());
                let _ = writeln!(out, "        {}", e.selector);
                let _ = writeln!(out, "        allow: {}", e.allow);
            }
        }
    }

    /// The `lifecycle:` line, when the export asks for one.
    fn lifecycle(&self, out: &mut String) {
        if let Some(lifecycle) = self.options.lifecycle.filter(|l| *l != Lifecycle::Manage) {
            let _ = writeln!(out, "    lifecycle: {lifecycle}");
        }
    }

    fn named(&self, id: &str, name: &str, description: &str, out: &mut String) {
        let _ = writeln!(out, "  - id: {}", scalar(id));
        self.lifecycle(out);
        if name != id {
            let _ = writeln!(out, "    name: {}", scalar(name));
        }
        if !description.is_empty() {
            let _ = writeln!(out, "    description: {}", scalar(description));
        }
    }

    fn tenants(&self) -> String {
        let mut out = String::new();
        for (id, tenant) in &self.state.tenants {
            let container = Container::Tenant(id.clone());
            if !self.exported(&container) {
                continue;
            }
            if Self::is_default(&container) {
                out.push_str("  # the default tenant: only its members are managed\n");
                let _ = writeln!(out, "  - id: {}", scalar(id.as_str()));
                self.lifecycle(&mut out);
            } else {
                self.named(id.as_str(), &tenant.name, &tenant.description, &mut out);
            }
            self.members(&container, &mut out);
        }
        out
    }

    fn groups(&self) -> String {
        let mut out = String::new();
        for (id, group) in &self.state.groups {
            self.named(id.as_str(), &group.name, &group.description, &mut out);
            self.members(&Container::Group(id.clone()), &mut out);
            self.owned(&Principal::Group(id.clone()), &mut out);
        }
        out
    }

    fn roles(&self) -> String {
        let mut out = String::new();
        for (id, role) in &self.state.roles {
            let container = Container::Role(id.clone());
            if !self.exported(&container) {
                continue;
            }
            if Self::is_default(&container) {
                out.push_str(
                    "  # a built-in role: only its members are managed, never its authorizations\n",
                );
                let _ = writeln!(out, "  - id: {}", scalar(id.as_str()));
                self.lifecycle(&mut out);
                self.members(&container, &mut out);
                continue;
            }
            self.named(id.as_str(), &role.name, &role.description, &mut out);
            self.members(&container, &mut out);
            self.owned(&Principal::Role(id.clone()), &mut out);
        }
        out
    }

    fn mapping_rules(&self) -> String {
        let mut out = String::new();
        for (id, rule) in &self.state.mapping_rules {
            let _ = writeln!(out, "  - id: {}", scalar(id.as_str()));
            self.lifecycle(&mut out);
            if rule.name != id.as_str() {
                let _ = writeln!(out, "    name: {}", scalar(&rule.name));
            }
            let _ = writeln!(out, "    claim: {}", scalar(&rule.claim_name));
            let _ = writeln!(out, "    value: {}", scalar(&rule.claim_value));
            self.owned(&Principal::MappingRule(id.clone()), &mut out);
        }
        out
    }

    /// Clients seen in memberships of exported containers or owning authorizations.
    fn clients(&self) -> String {
        let mut clients: BTreeSet<&Principal> = BTreeSet::new();
        for (principal, containers) in &self.containers_of {
            if matches!(principal, Principal::Client(_))
                && containers.iter().any(|c| self.exported(c))
            {
                clients.insert(principal);
            }
        }
        for owner in self.grants.keys() {
            if matches!(owner, Principal::Client(_)) {
                clients.insert(owner);
            }
        }
        let mut out = String::new();
        for client in clients {
            let mut of: Vec<String> = self
                .containers_of
                .get(client)
                .into_iter()
                .flatten()
                .filter(|c| self.exported(c))
                .map(ToString::to_string)
                .collect();
            of.sort();
            let _ = writeln!(out, "  - id: {}", scalar(client.id()));
            if !of.is_empty() {
                let _ = writeln!(out, "    # member of {}", of.join(", "));
            }
            self.owned(client, &mut out);
        }
        out
    }

    fn users(&self) -> String {
        let mut out = String::new();
        for (username, user) in &self.state.users {
            let _ = writeln!(out, "  - username: {}", scalar(username.as_str()));
            self.lifecycle(&mut out);
            if let Some(name) = &user.name {
                let _ = writeln!(out, "    name: {}", scalar(name));
            }
            if let Some(email) = &user.email {
                let _ = writeln!(out, "    email: {}", scalar(email));
            }
            match self.options.passwords.get(username.as_str()) {
                Some(variable) => {
                    let _ = writeln!(out, "    password: ${{env:{variable}}}");
                }
                None => out.push_str(
                    "    # password: never exported; needed only to create the user elsewhere\n",
                ),
            }
            self.owned(&Principal::User(username.clone()), &mut out);
        }
        out
    }

    /// Authorizations of owners no other section declares.
    fn authorizations(&self) -> String {
        let s = self.state;
        let mut out = String::new();
        for (owner, grants) in &self.grants {
            let declared = match owner {
                Principal::Client(_) => true,
                Principal::User(u) => s.users.contains_key(u),
                Principal::Group(g) => s.groups.contains_key(g),
                Principal::Role(r) => {
                    // Built-in roles' authorizations are never changed.
                    s.roles.contains_key(r) || BUILT_IN_ROLES.contains(&r.as_str())
                }
                Principal::MappingRule(m) => s.mapping_rules.contains_key(m),
            };
            if declared {
                continue;
            }
            for e in entries(grants) {
                let _ = writeln!(
                    out,
                    "  - owner: {{type: {}, id: {}}}",
                    owner.owner_type().as_str(),
                    scalar(owner.id())
                );
                let _ = writeln!(out, "    resource: {}", e.resource_type.as_str());
                let _ = writeln!(out, "    {}", e.selector);
                let _ = writeln!(out, "    allow: {}", e.allow);
            }
        }
        out
    }

    fn files(&self) -> Vec<(&'static str, &'static str, String)> {
        vec![
            ("tenants", "tenants.yaml", self.tenants()),
            ("groups", "groups.yaml", self.groups()),
            ("roles", "roles.yaml", self.roles()),
            ("mapping-rules", "mapping-rules.yaml", self.mapping_rules()),
            ("clients", "clients.yaml", self.clients()),
            ("users", "users.yaml", self.users()),
            (
                "authorizations",
                "authorizations.yaml",
                self.authorizations(),
            ),
        ]
    }
}

fn preamble(options: &Options) -> String {
    let mut out = format!("# yaml-language-server: $schema={}\n", options.schema);
    for line in &options.header {
        let _ = writeln!(out, "# {line}");
    }
    out.push_str("version: 1\n");
    out
}

/// The files (name → contents) that declare `state`.
pub fn export(state: &AccessState, options: &Options) -> BTreeMap<String, String> {
    let exporter = Exporter::new(state, options);
    let sections = exporter.files();
    let mut files = BTreeMap::new();
    match options.layout {
        Layout::Single => {
            let mut out = preamble(options);
            for (section, _, body) in sections {
                if !body.is_empty() {
                    let _ = write!(out, "\n{section}:\n{body}");
                }
            }
            files.insert("access.yaml".to_owned(), out);
        }
        Layout::PerKind => {
            for (section, file, body) in sections {
                if !body.is_empty() {
                    files.insert(
                        file.to_owned(),
                        format!("{}\n{section}:\n{body}", preamble(options)),
                    );
                }
            }
            if files.is_empty() {
                files.insert("access.yaml".to_owned(), preamble(options));
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_back_as_themselves() {
        assert_eq!(scalar("order-workers"), "order-workers");
        assert_eq!(scalar("*"), "\"*\"");
        assert_eq!(scalar("<default>"), "\"<default>\"");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("cost ${x}"), "\"cost $${x}\"");
        assert_eq!(scalar("line\nbreak"), "\"line\\nbreak\"");
    }
}

#[cfg(test)]
mod round_trip {
    use proptest::prelude::*;

    use super::*;
    use crate::config::{self, Variables};
    use crate::model::catalogue::{CamundaVersion, USER_TASK_PROPERTIES, supported_permissions};
    use crate::model::state::{
        AuthorizationTuple, Group, MappingRule, Membership, Role, Tenant, User,
    };
    use crate::plan::Planner;

    /// Names and descriptions that need care in YAML.
    const TEXTS: &[&str] = &[
        "Plain",
        "with: colon",
        "cost ${HOME}",
        "\"quoted\"",
        "multi\nline",
        "ünïcødé",
        "true",
        "- dash",
        "#hash",
        "",
    ];

    fn pick<T: Copy>(items: &[T], n: u64) -> T {
        items[(n % items.len() as u64) as usize]
    }

    /// A random cluster from a seed: tenants, groups, roles (besides the
    /// built-in ones), mapping rules, users, every kind of membership, and
    /// authorizations of every owner type — several keys per tuple, and
    /// property-based ones in 8.9.
    fn cluster(version: CamundaVersion, seed: u64, size: usize) -> AccessState {
        let mut rng = seed | 1;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut s = AccessState::default();
        s.tenants.insert(
            DEFAULT_TENANT.into(),
            Tenant {
                name: "Default".into(),
                description: String::new(),
            },
        );
        for role in BUILT_IN_ROLES {
            s.roles.insert(
                (*role).into(),
                Role {
                    name: role.to_uppercase(),
                    description: String::new(),
                },
            );
        }
        for i in 0..size {
            let text = |n: u64| pick(TEXTS, n).to_owned();
            match next() % 5 {
                0 => {
                    let name = text(next());
                    s.tenants.insert(
                        format!("t{i}").into(),
                        Tenant {
                            name: if name.is_empty() {
                                format!("t{i}")
                            } else {
                                name
                            },
                            description: text(next()),
                        },
                    );
                }
                1 => {
                    let name = text(next());
                    s.groups.insert(
                        format!("g{i}").into(),
                        Group {
                            name: if name.is_empty() {
                                format!("g{i}")
                            } else {
                                name
                            },
                            description: text(next()),
                        },
                    );
                }
                2 => {
                    let name = text(next());
                    s.roles.insert(
                        format!("r{i}").into(),
                        Role {
                            name: if name.is_empty() {
                                format!("r{i}")
                            } else {
                                name
                            },
                            description: text(next()),
                        },
                    );
                }
                3 => {
                    let name = text(next());
                    s.mapping_rules.insert(
                        format!("m{i}").into(),
                        MappingRule {
                            name: if name.is_empty() {
                                format!("m{i}")
                            } else {
                                name
                            },
                            claim_name: pick(&["groups", "department", "client_id"], next()).into(),
                            claim_value: format!("v{i}"),
                        },
                    );
                }
                _ => {
                    s.users.insert(
                        format!("u{i}").into(),
                        User {
                            name: (next() % 2 == 0).then(|| format!("User {i}")),
                            email: (next() % 2 == 0).then(|| format!("u{i}@example.com")),
                            password: None,
                        },
                    );
                }
            }
        }
        let containers: Vec<Container> = s
            .tenants
            .keys()
            .map(|t| Container::Tenant(t.clone()))
            .chain(s.groups.keys().map(|g| Container::Group(g.clone())))
            .chain(s.roles.keys().map(|r| Container::Role(r.clone())))
            .collect();
        let mut principals: Vec<Principal> = s
            .groups
            .keys()
            .map(|g| Principal::Group(g.clone()))
            .chain(s.roles.keys().map(|r| Principal::Role(r.clone())))
            .chain(
                s.mapping_rules
                    .keys()
                    .map(|m| Principal::MappingRule(m.clone())),
            )
            .chain(s.users.keys().map(|u| Principal::User(u.clone())))
            .collect();
        principals.extend((0..3).map(|c| Principal::Client(format!("client-{c}").into())));
        principals.push(Principal::User("external-user".into()));
        if !containers.is_empty() {
            for _ in 0..size * 2 {
                let container = containers[(next() % containers.len() as u64) as usize].clone();
                let member = principals[(next() % principals.len() as u64) as usize].clone();
                if container.accepts(&member) {
                    s.memberships.insert(Membership { container, member });
                }
            }
        }
        let types: Vec<ResourceType> = version
            .resource_types()
            .filter(|rt| !supported_permissions(version, *rt).is_empty())
            .collect();
        let mut key = 1000;
        for _ in 0..size * 2 {
            let owner = principals[(next() % principals.len() as u64) as usize].clone();
            let resource_type = types[(next() % types.len() as u64) as usize];
            let supported = supported_permissions(version, resource_type);
            let permissions: BTreeSet<PermissionType> = (0..1 + next() % 3)
                .map(|_| supported[(next() % supported.len() as u64) as usize])
                .collect();
            let resource = if version.supports_property_authorizations()
                && resource_type == ResourceType::UserTask
                && next() % 2 == 0
            {
                ResourceSelector::Property(pick(USER_TASK_PROPERTIES, next()).into())
            } else {
                ResourceSelector::Id(pick(&["*", "invoice", "order-1"], next()).into())
            };
            let grant = s
                .authorizations
                .entry(AuthorizationTuple {
                    owner,
                    resource_type,
                    resource,
                })
                .or_default();
            grant.permissions.extend(permissions);
            // Sometimes a second key for the same tuple.
            let keys = if next() % 4 == 0 { 2 } else { 1 };
            for _ in 0..keys {
                key += 1;
                grant.keys.push(key.to_string());
            }
        }
        // The built-in admin role has authorizations of its own.
        s.authorizations.insert(
            AuthorizationTuple {
                owner: Principal::Role("admin".into()),
                resource_type: ResourceType::Authorization,
                resource: ResourceSelector::wildcard(),
            },
            Grant {
                permissions: [PermissionType::Read].into(),
                keys: vec!["1".into()],
                ..Default::default()
            },
        );
        s
    }

    fn plan_of_export(
        version: CamundaVersion,
        state: &AccessState,
        options: &Options,
    ) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in export(state, options) {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let outcome = config::load(&[dir.path().to_path_buf()], version, &Variables::default());
        let Some(desired) = outcome.desired else {
            let files: Vec<String> = export(state, options).into_values().collect();
            panic!("{:?}\n{}", outcome.diagnostics, files.join("\n"));
        };
        Planner::new(&desired, state)
            .plan()
            .changes
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn an_export_plans_nothing_against_its_cluster(
            seed in any::<u64>(),
            size in 0usize..40,
            newer in any::<bool>(),
            per_kind in any::<bool>(),
            defaults in any::<bool>(),
        ) {
            let version = if newer { CamundaVersion::V8_9 } else { CamundaVersion::V8_8 };
            let state = cluster(version, seed, size);
            let options = Options {
                layout: if per_kind { Layout::PerKind } else { Layout::Single },
                include_defaults: defaults,
                ..Options::default()
            };
            let changes = plan_of_export(version, &state, &options);
            prop_assert!(changes.is_empty(), "{:?}", changes);
        }
    }

    /// Export, load, export again: the same text. (YAML written by the tool
    /// and read back is stable.)
    fn reexported(
        version: CamundaVersion,
        state: &AccessState,
        options: &Options,
    ) -> (String, String) {
        let first = export(state, options);
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in &first {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let outcome = config::load(&[dir.path().to_path_buf()], version, &Variables::default());
        let desired = outcome.desired.expect("valid");
        // The desired state has no built-in entities; give them back as the
        // cluster has them so the second export sees the same thing.
        let mut again = desired.state.clone();
        for (id, role) in &state.roles {
            if BUILT_IN_ROLES.contains(&id.as_str()) {
                again.roles.insert(id.clone(), role.clone());
            }
        }
        for (id, tenant) in &state.tenants {
            if id.as_str() == DEFAULT_TENANT {
                again.tenants.insert(id.clone(), tenant.clone());
            }
        }
        for (tuple, grant) in &state.authorizations {
            if matches!(&tuple.owner, Principal::Role(r) if BUILT_IN_ROLES.contains(&r.as_str())) {
                again.authorizations.insert(tuple.clone(), grant.clone());
            }
        }
        let second = export(&again, options);
        (
            first.into_values().collect::<Vec<_>>().join("\n"),
            second.into_values().collect::<Vec<_>>().join("\n"),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn yaml_written_and_read_back_is_stable(
            seed in any::<u64>(),
            size in 0usize..30,
            newer in any::<bool>(),
        ) {
            let version = if newer { CamundaVersion::V8_9 } else { CamundaVersion::V8_8 };
            let state = cluster(version, seed, size);
            let options = Options { include_defaults: true, ..Options::default() };
            let (first, second) = reexported(version, &state, &options);
            prop_assert_eq!(first, second);
        }
    }

    #[test]
    fn exports_are_deterministic() {
        let state = cluster(CamundaVersion::V8_9, 42, 60);
        assert_eq!(
            export(&state, &Options::default()),
            export(&state.clone(), &Options::default())
        );
    }
}
