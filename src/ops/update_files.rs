//! Accepting drift: `drift --update-files` (and `--diff`) turn the settled
//! plan around and change the configuration files so that they declare
//! what the cluster holds — the reviewed way to keep a fix made by hand.
//!
//! Each change of the plan says which way the files must move:
//!
//! | plan change | the cluster … | the files … |
//! |---|---|---|
//! | create an entity | lacks it | lose its entry |
//! | update attributes | has other values | get the live values |
//! | delete an entity (pruned kind) | has one nobody declared | gain an entry, with its members and grants |
//! | add / remove a member | lacks / has the membership | lose / gain it |
//! | create / update / delete an authorization | lacks / differs / has it | lose / change / gain the entry |
//!
//! Unmanaged objects (their kind is not pruned) are added only when asked
//! (`--adopt-unmanaged`); members nobody listed of built-in roles,
//! `<default>` and additive containers stay unmanaged (listing them would
//! change what the files manage). Values written with a variable
//! (`${env:…}`, `${secret:…}`) or through a YAML alias are never rewritten:
//! those edits are refused, each named with its file and line, and the
//! rest is written. A password is never written.
//!
//! The edits are checked before anything is written: the edited files are
//! loaded and planned again in memory, and must plan nothing but what was
//! refused.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::config::edit::{Edits, Node, NodeKind, Tree, Value};
use crate::config::interpolate::{Variables, interpolate};
use crate::config::{self, Loader};
use crate::error::{Error, Result};
use crate::export::scalar;
use crate::model::catalogue::{BUILT_IN_ROLES, PermissionType};
use crate::model::entity::{EntityKind, EntityRef};
use crate::model::state::{
    AccessState, AuthorizationTuple, Container, Membership, Principal, ResourceSelector,
};
use crate::ops::Session;
use crate::ops::drift::DriftReport;
use crate::plan::{Change, Planner, Unmanaged};

/// One file the update changes or creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatedFile {
    /// The path, as the configuration names it.
    pub path: PathBuf,
    /// The text before; `None` for a new file.
    pub before: Option<String>,
    /// The text after.
    pub after: String,
}

/// What `drift --update-files` would change.
#[derive(Debug, Clone, Default)]
pub struct FileUpdate {
    /// Files whose text changes, in the order loaded; new files last.
    pub files: Vec<UpdatedFile>,
    /// Differences not written to the files, each with its place and why.
    pub refused: Vec<String>,
    /// Unmanaged objects left out of the files, and why.
    pub left_alone: Vec<String>,
}

impl FileUpdate {
    /// Whether no file changes.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// How the update works.
#[derive(Debug, Clone, Copy, Default)]
pub struct UpdateOptions {
    /// Also add unmanaged entities and authorizations to the files.
    pub adopt_unmanaged: bool,
}

/// Computes the edits that make the files at `paths` declare what the
/// cluster of `session` holds, and checks them. Nothing is written.
pub fn update_files(
    session: &Session,
    report: &DriftReport,
    paths: &[PathBuf],
    variables: &Variables,
    options: UpdateOptions,
) -> Result<FileUpdate> {
    // The files already describe the cluster after a rename that is not
    // applied yet: writing the cluster as it is would undo the rename.
    if !session.plan.moved.is_empty() {
        let pending: Vec<String> = session
            .plan
            .moved
            .iter()
            .map(|m| format!("{} -> {}", m.from, m.to))
            .collect();
        return Err(Error::unworkable(
            format!(
                "the files rename what the cluster still has under its old ID ({}); writing the cluster into them would undo the rename",
                pending.join(", ")
            ),
            "apply the rename first; then `drift --update-files` writes what it carried over under the new ID",
        ));
    }
    let loaded = Loader.load(paths);
    if loaded.diagnostics.has_errors() || loaded.files.len() != loaded.sources.len() {
        return Err(Error::Config {
            message: "the configuration files changed while drift ran".to_owned(),
            diagnostics: loaded.diagnostics,
            sources: loaded.sources,
        });
    }
    let mut docs = Vec::new();
    for (_, source) in loaded.sources.iter() {
        let text = source.text.to_string();
        let tree = Tree::parse(&text).ok_or_else(|| Error::Format {
            path: PathBuf::from(&source.name),
            message: "cannot be read as one YAML document".to_owned(),
        })?;
        docs.push(Doc {
            path: PathBuf::from(&source.name),
            text,
            tree,
            created: false,
        });
    }
    let mut updater = Updater {
        edits: vec![Edits::default(); docs.len()],
        docs,
        vars: variables,
        live: &session.live.state,
        new: BTreeSet::new(),
        refused: Vec::new(),
        refused_changes: BTreeSet::new(),
        left_alone: Vec::new(),
        sections: BTreeMap::new(),
    };
    updater.run(report, options);
    let update = updater.finish(paths)?;
    verify(session, paths, report, &update, variables, options)?;
    Ok(update.0)
}

/// Writes the files of `update`, each atomically (a temporary file beside
/// it, then a rename), only those that change.
pub fn write(update: &FileUpdate) -> Result<()> {
    for file in &update.files {
        let dir = file
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = file
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(".{name}.camunda-access-{}", std::process::id()));
        let io = |doing: &'static str, path: &Path| {
            let path = path.to_owned();
            move |source| Error::Io {
                doing,
                path,
                source,
            }
        };
        std::fs::write(&temp, &file.after).map_err(io("write", &temp))?;
        if let Ok(meta) = std::fs::metadata(&file.path) {
            // Keep the file's permissions.
            let _ = std::fs::set_permissions(&temp, meta.permissions());
        }
        if let Err(e) = std::fs::rename(&temp, &file.path) {
            let _ = std::fs::remove_file(&temp);
            return Err(io("write", &file.path)(e));
        }
    }
    Ok(())
}

/// Loads the edited files in memory and plans them against the same live
/// state: what remains must be what was refused.
fn verify(
    session: &Session,
    paths: &[PathBuf],
    report: &DriftReport,
    (update, refused): &(FileUpdate, BTreeSet<String>),
    variables: &Variables,
    options: UpdateOptions,
) -> Result<()> {
    if update.files.is_empty() {
        return Ok(());
    }
    // Every file of the configuration, with its new text where it changes.
    let mut texts: Vec<(String, String)> = Loader
        .load(paths)
        .sources
        .iter()
        .map(|(_, f)| (f.name.clone(), f.text.to_string()))
        .collect();
    for file in &update.files {
        let name = file.path.to_string_lossy().into_owned();
        match texts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, text)) => *text = file.after.clone(),
            None => texts.push((name, file.after.clone())),
        }
    }
    let outcome = config::load_texts(&texts, session.desired.version, variables);
    let Some(desired) = outcome.desired else {
        return Err(Error::Config {
            message: "the updated files would not be valid; nothing was written".to_owned(),
            diagnostics: outcome.diagnostics,
            sources: outcome.sources,
        });
    };
    let plan = Planner::new(&desired, &session.live.state).plan();
    let mut left: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| !refused.contains(&key(c)))
        .map(ToString::to_string)
        .collect();
    if options.adopt_unmanaged {
        let adopted: Vec<&Unmanaged> = report
            .unmanaged
            .iter()
            .filter(|u| !matches!(u, Unmanaged::Membership { .. }) && !built_in_owner(u))
            .collect();
        left.extend(
            plan.unmanaged
                .iter()
                .filter(|u| adopted.contains(u))
                .map(|u| format!("? {u}")),
        );
    }
    if left.is_empty() {
        Ok(())
    } else {
        Err(Error::unworkable(
            format!(
                "the files cannot be made to match the cluster; nothing was written. Still differing after the update: {}",
                left.join("; ")
            ),
            "change these objects in the files by hand, or in the cluster",
        ))
    }
}

fn built_in_owner(u: &Unmanaged) -> bool {
    matches!(u, Unmanaged::Authorization { tuple, .. } if matches!(&tuple.owner, Principal::Role(r) if BUILT_IN_ROLES.contains(&r.as_str())))
}

/// A key that names what a change is about, whatever its details.
fn key(change: &Change) -> String {
    match change {
        Change::Create { .. } | Change::Update { .. } | Change::Delete { .. } => {
            change.entity().map(|e| e.to_string()).unwrap_or_default()
        }
        Change::AddMember(m) | Change::RemoveMember(m) => {
            format!("{} in {}", m.member, m.container)
        }
        Change::CreateAuthorization { tuple, .. }
        | Change::UpdateAuthorization { tuple, .. }
        | Change::DeleteAuthorization { tuple, .. } => tuple.to_string(),
    }
}

struct Doc {
    path: PathBuf,
    text: String,
    tree: Tree,
    created: bool,
}

impl Doc {
    fn root(&self) -> Option<&Node> {
        self.tree.root.as_ref()
    }

    /// `file:line` of a byte offset.
    fn place(&self, offset: usize) -> String {
        let line = self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1;
        format!("{}:{line}", self.path.display())
    }
}

/// A section of the format and the key that names its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Tenants,
    Groups,
    Roles,
    MappingRules,
    Clients,
    Users,
    Authorizations,
}

impl Section {
    fn key(self) -> &'static str {
        match self {
            Section::Tenants => "tenants",
            Section::Groups => "groups",
            Section::Roles => "roles",
            Section::MappingRules => "mapping-rules",
            Section::Clients => "clients",
            Section::Users => "users",
            Section::Authorizations => "authorizations",
        }
    }

    fn id_key(self) -> &'static str {
        match self {
            Section::Users => "username",
            _ => "id",
        }
    }

    fn of_kind(kind: EntityKind) -> Section {
        match kind {
            EntityKind::Tenant => Section::Tenants,
            EntityKind::Group => Section::Groups,
            EntityKind::Role => Section::Roles,
            EntityKind::MappingRule => Section::MappingRules,
            EntityKind::User => Section::Users,
        }
    }

    fn of_principal(p: &Principal) -> Section {
        match p {
            Principal::User(_) => Section::Users,
            Principal::Client(_) => Section::Clients,
            Principal::Group(_) => Section::Groups,
            Principal::Role(_) => Section::Roles,
            Principal::MappingRule(_) => Section::MappingRules,
        }
    }

    fn of_container(c: &Container) -> Section {
        match c {
            Container::Tenant(_) => Section::Tenants,
            Container::Group(_) => Section::Groups,
            Container::Role(_) => Section::Roles,
        }
    }

    /// The member-side list of memberships in containers like `c`
    /// (`groups`, `roles`, `tenants`), when this section has it.
    fn side_for(self, c: &Container) -> Option<&'static str> {
        let side = container_key(c);
        let has = match self {
            Section::Groups => matches!(c, Container::Role(_) | Container::Tenant(_)),
            Section::Roles => matches!(c, Container::Tenant(_)),
            Section::MappingRules | Section::Clients | Section::Users => true,
            Section::Tenants | Section::Authorizations => false,
        };
        has.then_some(side)
    }
}

/// The key of a container's kind on the member's side.
fn container_key(c: &Container) -> &'static str {
    match c {
        Container::Tenant(_) => "tenants",
        Container::Group(_) => "groups",
        Container::Role(_) => "roles",
    }
}

/// The key of a member's kind under `members:`.
fn member_key(p: &Principal) -> &'static str {
    match p {
        Principal::User(_) => "users",
        Principal::Client(_) => "clients",
        Principal::Group(_) => "groups",
        Principal::Role(_) => "roles",
        Principal::MappingRule(_) => "mapping-rules",
    }
}

/// An entry of a section, found in a file.
struct Found<'a> {
    doc: usize,
    seq: &'a Node,
    index: usize,
    item: &'a Node,
}

/// How a permission entry selects the tuple's resource.
enum Selects<'a> {
    /// `id:` or `property:` (the whole entry is the tuple).
    One,
    /// `ids:`, at this index.
    Ids(&'a Node, usize),
}

/// A permission entry of a tuple, found in a file.
struct Grant<'a> {
    doc: usize,
    list: &'a Node,
    index: usize,
    entry: &'a Node,
    selects: Selects<'a>,
}

struct Updater<'a> {
    docs: Vec<Doc>,
    edits: Vec<Edits>,
    vars: &'a Variables,
    live: &'a AccessState,
    /// Entities the update adds (their members and grants go with them).
    new: BTreeSet<EntityRef>,
    refused: Vec<String>,
    refused_changes: BTreeSet<String>,
    left_alone: Vec<String>,
    /// New entries for sections no file has yet.
    sections: BTreeMap<Section, Vec<Value>>,
}

/// A scalar's value after interpolation, and whether it uses a variable.
fn resolved(node: &Node, vars: &Variables) -> Option<(String, bool)> {
    let raw = node.scalar()?;
    let templated = raw.replace("$${", "").contains("${");
    let value = interpolate(raw, vars).ok()?.into_owned();
    Some((value, templated))
}

/// The entry of `section` with ID `id`, in any file.
fn find<'d>(docs: &'d [Doc], vars: &Variables, section: Section, id: &str) -> Option<Found<'d>> {
    for (doc, d) in docs.iter().enumerate() {
        let Some(seq) = d.root().and_then(|r| r.get(section.key())) else {
            continue;
        };
        for (index, item) in seq.items().into_iter().flatten().enumerate() {
            let found = item
                .get(section.id_key())
                .and_then(|n| resolved(n, vars))
                .is_some_and(|(v, _)| v == id);
            if found {
                return Some(Found {
                    doc,
                    seq,
                    index,
                    item,
                });
            }
        }
    }
    None
}

fn entity_of_principal(p: &Principal) -> Option<EntityRef> {
    Some(match p {
        Principal::User(u) => EntityRef::User(u.clone()),
        Principal::Group(g) => EntityRef::Group(g.clone()),
        Principal::Role(r) => EntityRef::Role(r.clone()),
        Principal::MappingRule(m) => EntityRef::MappingRule(m.clone()),
        Principal::Client(_) => return None,
    })
}

fn entity_of_container(c: &Container) -> EntityRef {
    match c {
        Container::Tenant(t) => EntityRef::Tenant(t.clone()),
        Container::Group(g) => EntityRef::Group(g.clone()),
        Container::Role(r) => EntityRef::Role(r.clone()),
    }
}

fn permission_names(set: &BTreeSet<PermissionType>) -> Vec<String> {
    set.iter().map(|p| p.as_str().to_owned()).collect()
}

impl<'a> Updater<'a> {
    fn refuse(&mut self, change: &str, why: String) {
        self.refused_changes.insert(change.to_owned());
        self.refused.push(why);
    }

    fn run(&mut self, report: &DriftReport, options: UpdateOptions) {
        for change in &report.changes {
            if let Change::Delete { entity, .. } = change {
                self.new.insert(entity.clone());
            }
        }
        if options.adopt_unmanaged {
            for u in &report.unmanaged {
                if let Unmanaged::Entity { kind, id } = u {
                    self.new.insert(kind.with_id(id.clone()));
                }
            }
        }
        for change in &report.changes {
            let key = key(change);
            match change {
                Change::Create { entity } => self.remove_entity(&key, &entity.reference()),
                Change::Update { entity, attributes } => {
                    for a in attributes {
                        self.set_attribute(&key, &entity.reference(), &a.name, &a.before);
                    }
                }
                Change::Delete { entity, .. } => self.add_entity(entity),
                Change::AddMember(m) => self.remove_membership(&key, m),
                Change::RemoveMember(m) => {
                    let container = entity_of_container(&m.container);
                    let member = entity_of_principal(&m.member);
                    if !self.new.contains(&container)
                        && !member.is_some_and(|e| self.new.contains(&e))
                    {
                        self.add_membership(&key, m);
                    }
                }
                Change::CreateAuthorization { tuple, .. } => self.remove_authorization(&key, tuple),
                Change::UpdateAuthorization { tuple, before, .. } => {
                    self.set_authorization(&key, tuple, before)
                }
                Change::DeleteAuthorization {
                    tuple, permissions, ..
                } => {
                    // An empty set is a second key merged into the first:
                    // nothing the files say.
                    let owner_new =
                        entity_of_principal(&tuple.owner).is_some_and(|e| self.new.contains(&e));
                    if !permissions.is_empty() && !owner_new {
                        self.add_authorization(&key, tuple, permissions);
                    }
                }
            }
        }
        for u in &report.unmanaged {
            match u {
                Unmanaged::Entity { kind, id } if options.adopt_unmanaged => {
                    self.add_entity(&kind.with_id(id.clone()))
                }
                Unmanaged::Authorization { tuple, .. } if options.adopt_unmanaged => {
                    let owner_new =
                        entity_of_principal(&tuple.owner).is_some_and(|e| self.new.contains(&e));
                    if built_in_owner(u) {
                        self.left_alone.push(format!(
                            "{u}: a built-in role's authorizations are never managed"
                        ));
                    } else if !owner_new {
                        let permissions = self
                            .live
                            .authorizations
                            .get(tuple)
                            .map(|g| g.permissions.clone())
                            .unwrap_or_default();
                        self.add_authorization(&tuple.to_string(), tuple, &permissions);
                    }
                }
                Unmanaged::Membership { .. } => self.left_alone.push(format!(
                    "{u}: listing it would make the container's member list managed"
                )),
                _ => self
                    .left_alone
                    .push(format!("{u}: unmanaged (add it with --adopt-unmanaged)")),
            }
        }
    }

    fn remove_entity(&mut self, key: &str, entity: &EntityRef) {
        let section = Section::of_kind(entity.kind());
        let Some(found) = find(&self.docs, self.vars, section, entity.id()) else {
            return self.refuse(
                key,
                format!("{entity}: its entry was not found in the files"),
            );
        };
        let doc = &self.docs[found.doc];
        let id_node = found.item.get(section.id_key());
        let templated = id_node
            .and_then(|n| resolved(n, self.vars))
            .is_some_and(|v| v.1);
        let why = if templated {
            Some("its ID is written with a variable")
        } else if found.item.anchored || anchors_within(found.item) {
            Some("it defines a YAML anchor used elsewhere")
        } else {
            None
        };
        if let Some(why) = why {
            let place = doc.place(found.item.start);
            return self.refuse(
                key,
                format!("{place}: {entity} is not in the cluster, but {why}; remove it by hand"),
            );
        }
        self.edits[found.doc].remove(found.seq, found.index);
    }

    fn set_attribute(&mut self, key: &str, entity: &EntityRef, name: &str, live: &str) {
        let section = Section::of_kind(entity.kind());
        let Some(found) = find(&self.docs, self.vars, section, entity.id()) else {
            return self.refuse(
                key,
                format!("{entity}: its entry was not found in the files"),
            );
        };
        let doc = &self.docs[found.doc];
        let text = scalar(live);
        match found.item.get(name) {
            Some(node) => {
                let why = match resolved(node, self.vars) {
                    _ if matches!(node.kind, NodeKind::Alias) => Some("through a YAML alias"),
                    _ if node.anchored => Some("as a YAML anchor used elsewhere"),
                    Some((_, true)) => Some("with a variable"),
                    Some(_) => None,
                    None => Some("in a form this tool cannot rewrite"),
                };
                if let Some(why) = why {
                    let place = doc.place(node.start);
                    return self.refuse(
                        key,
                        format!(
                            "{place}: the {name} of {entity} differs in the cluster, but it is written {why}; change it by hand"
                        ),
                    );
                }
                let edits = &mut self.edits[found.doc];
                edits.set(node, text);
            }
            None => {
                let edits = &mut self.edits[found.doc];
                edits.add_entry(found.item, name, Value::Scalar(text));
            }
        }
    }

    /// The new entry of a live entity: its attributes, its members, the
    /// containers it is in, and its authorizations.
    fn entity_value(&self, entity: &EntityRef) -> Option<Value> {
        let live = self.live;
        let mut entries: Vec<(String, Value)> = Vec::new();
        let s = |t: &str| Value::Scalar(scalar(t));
        let named = |entries: &mut Vec<(String, Value)>, name: &str, description: &str| {
            if name != entity.id() {
                entries.push(("name".into(), s(name)));
            }
            if !description.is_empty() {
                entries.push(("description".into(), s(description)));
            }
        };
        match entity {
            EntityRef::Tenant(id) => {
                let t = live.tenants.get(id)?;
                entries.push(("id".into(), s(id.as_str())));
                named(&mut entries, &t.name, &t.description);
            }
            EntityRef::Group(id) => {
                let g = live.groups.get(id)?;
                entries.push(("id".into(), s(id.as_str())));
                named(&mut entries, &g.name, &g.description);
            }
            EntityRef::Role(id) => {
                let r = live.roles.get(id)?;
                entries.push(("id".into(), s(id.as_str())));
                named(&mut entries, &r.name, &r.description);
            }
            EntityRef::MappingRule(id) => {
                let m = live.mapping_rules.get(id)?;
                entries.push(("id".into(), s(id.as_str())));
                if m.name != id.as_str() {
                    entries.push(("name".into(), s(&m.name)));
                }
                entries.push(("claim".into(), s(&m.claim_name)));
                entries.push(("value".into(), s(&m.claim_value)));
            }
            EntityRef::User(id) => {
                let u = live.users.get(id)?;
                entries.push(("username".into(), s(id.as_str())));
                if let Some(name) = u.name.as_deref().filter(|n| !n.is_empty()) {
                    entries.push(("name".into(), s(name)));
                }
                if let Some(email) = u.email.as_deref().filter(|e| !e.is_empty()) {
                    entries.push(("email".into(), s(email)));
                }
            }
        }
        if let Some(container) = entity.container() {
            let mut members: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for m in live.memberships.iter().filter(|m| m.container == container) {
                members
                    .entry(member_key(&m.member))
                    .or_default()
                    .push(scalar(m.member.id()));
            }
            if !members.is_empty() {
                let order = ["users", "clients", "groups", "roles", "mapping-rules"];
                let lists = order
                    .iter()
                    .filter_map(|k| members.remove(k).map(|v| ((*k).to_owned(), Value::List(v))))
                    .collect();
                entries.push(("members".into(), Value::Map(lists)));
            }
        }
        if let Some(principal) = entity.principal() {
            let mut sides: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for m in live.memberships.iter().filter(|m| m.member == principal) {
                // A container the update adds lists its members itself.
                if !self.new.contains(&entity_of_container(&m.container)) {
                    sides
                        .entry(container_key(&m.container))
                        .or_default()
                        .push(scalar(m.container.id()));
                }
            }
            for side in ["groups", "roles", "tenants"] {
                if let Some(ids) = sides.remove(side) {
                    entries.push((side.into(), Value::List(ids)));
                }
            }
            let grants: Vec<Value> = live
                .authorizations
                .iter()
                .filter(|(t, g)| t.owner == principal && !t.is_self_authorization(&g.permissions))
                .map(|(t, g)| permission_value(t, &g.permissions, false))
                .collect();
            if !grants.is_empty() {
                entries.push(("permissions".into(), Value::Items(grants)));
            }
        }
        Some(Value::Map(entries))
    }

    fn add_entity(&mut self, entity: &EntityRef) {
        let Some(value) = self.entity_value(entity) else {
            return;
        };
        self.add_to_section(Section::of_kind(entity.kind()), value);
    }

    /// Appends an entry to the first file that has the section; or keeps it
    /// for a section of its own (see [`Updater::finish`]).
    fn add_to_section(&mut self, section: Section, value: Value) {
        for (doc, d) in self.docs.iter().enumerate() {
            if let Some(seq) = d.root().and_then(|r| r.get(section.key()))
                && matches!(seq.kind, NodeKind::Seq { .. })
                && !seq.anchored
            {
                self.edits[doc].append(seq, value);
                return;
            }
        }
        self.sections.entry(section).or_default().push(value);
    }

    /// Every place a membership is declared: in the container's
    /// `members:`, and in the member's own `groups`/`roles`/`tenants`.
    fn membership_places<'d>(
        docs: &'d [Doc],
        vars: &Variables,
        m: &Membership,
    ) -> Vec<(usize, &'d Node, usize, &'d Node)> {
        let mut places = Vec::new();
        let container_section = Section::of_container(&m.container);
        if let Some(found) = find(docs, vars, container_section, m.container.id())
            && let Some(list) = found
                .item
                .get("members")
                .and_then(|members| members.get(member_key(&m.member)))
        {
            for (i, item) in list.items().into_iter().flatten().enumerate() {
                if resolved(item, vars).is_some_and(|(v, _)| v == m.member.id()) {
                    places.push((found.doc, list, i, item));
                }
            }
        }
        let member_section = Section::of_principal(&m.member);
        if let Some(side) = member_section.side_for(&m.container)
            && let Some(found) = find(docs, vars, member_section, m.member.id())
            && let Some(list) = found.item.get(side)
        {
            for (i, item) in list.items().into_iter().flatten().enumerate() {
                if resolved(item, vars).is_some_and(|(v, _)| v == m.container.id()) {
                    places.push((found.doc, list, i, item));
                }
            }
        }
        places
    }

    fn remove_membership(&mut self, key: &str, m: &Membership) {
        let places = Self::membership_places(&self.docs, self.vars, m);
        if places.is_empty() {
            let kind = member_key(&m.member);
            let section = Section::of_principal(&m.member);
            let alias = alias_on_the_way(
                &self.docs,
                self.vars,
                Section::of_container(&m.container),
                m.container.id(),
                &["members", kind],
            )
            .or_else(|| {
                let side = section.side_for(&m.container)?;
                alias_on_the_way(&self.docs, self.vars, section, m.member.id(), &[side])
            });
            let what = format!("{} in {}", m.member, m.container);
            return self.refuse(
                key,
                not_found(&what, alias, "is not in the cluster", "remove"),
            );
        }
        let mut refusals = Vec::new();
        for (doc, list, index, item) in places {
            let templated = resolved(item, self.vars).is_some_and(|v| v.1);
            if templated || list.anchored {
                let why = if templated {
                    "is written with a variable"
                } else {
                    "is in a list with a YAML anchor used elsewhere"
                };
                refusals.push(format!(
                    "{}: {} in {} is not in the cluster, but it {why}; remove it by hand",
                    self.docs[doc].place(item.start),
                    m.member,
                    m.container
                ));
            } else {
                self.edits[doc].remove(list, index);
            }
        }
        for why in refusals {
            self.refuse(key, why);
        }
    }

    fn add_membership(&mut self, key: &str, m: &Membership) {
        if let Some(why) = self.try_add_membership(m) {
            self.refuse(key, why);
        }
    }

    /// Adds a membership to the files; why not, when it cannot.
    fn try_add_membership(&mut self, m: &Membership) -> Option<String> {
        let container_section = Section::of_container(&m.container);
        let member_section = Section::of_principal(&m.member);
        let kind = member_key(&m.member);
        let id = scalar(m.member.id());
        let what = format!("{} in {}", m.member, m.container);
        let container = find(&self.docs, self.vars, container_section, m.container.id());
        let side = member_section.side_for(&m.container);
        let member = side.and_then(|_| find(&self.docs, self.vars, member_section, m.member.id()));
        // Keep the file's habit: a member that lists its containers of
        // this kind itself, where the container has no such list, gets it
        // there.
        let container_list = container
            .as_ref()
            .and_then(|c| c.item.get("members"))
            .and_then(|ms| ms.get(kind));
        if let (Some(found), Some(side)) = (&member, side)
            && let Some(list) = found.item.get(side)
            && container_list.is_none()
        {
            let value = Value::Scalar(scalar(m.container.id()));
            return append_to(&self.docs, &mut self.edits, &what, found.doc, list, value);
        }
        if let Some(found) = container {
            let doc = found.doc;
            match found.item.get("members") {
                Some(members) => match members.get(kind) {
                    Some(list) => {
                        return append_to(
                            &self.docs,
                            &mut self.edits,
                            &what,
                            doc,
                            list,
                            Value::Scalar(id),
                        );
                    }
                    None if matches!(members.kind, NodeKind::Map { .. }) && !members.anchored => {
                        self.edits[doc].add_entry(members, kind, Value::List(vec![id]));
                    }
                    None => {
                        let place = self.docs[doc].place(members.start);
                        return Some(format!(
                            "{place}: {what} is in the cluster, but these members are written through a YAML alias or anchor; add it by hand"
                        ));
                    }
                },
                None => self.edits[doc].add_entry(
                    found.item,
                    "members",
                    Value::Map(vec![(kind.to_owned(), Value::List(vec![id]))]),
                ),
            }
            return None;
        }
        if let (Some(found), Some(side)) = (member, side) {
            self.edits[found.doc].add_entry(
                found.item,
                side,
                Value::List(vec![scalar(m.container.id())]),
            );
            return None;
        }
        Some(format!(
            "{what}: in the cluster, but no file declares {} or {}; declare one of them",
            m.container, m.member
        ))
    }

    /// The permission entries that declare `tuple`.
    fn grants<'d>(docs: &'d [Doc], vars: &Variables, tuple: &AuthorizationTuple) -> Vec<Grant<'d>> {
        let mut out = Vec::new();
        let section = Section::of_principal(&tuple.owner);
        let mut lists: Vec<(usize, &Node, bool)> = Vec::new();
        if let Some(found) = find(docs, vars, section, tuple.owner.id())
            && let Some(list) = found.item.get("permissions")
        {
            lists.push((found.doc, list, false));
        }
        for (doc, d) in docs.iter().enumerate() {
            if let Some(list) = d.root().and_then(|r| r.get("authorizations")) {
                lists.push((doc, list, true));
            }
        }
        for (doc, list, with_owner) in lists {
            for (index, entry) in list.items().into_iter().flatten().enumerate() {
                if with_owner && !Self::owner_is(vars, entry, &tuple.owner) {
                    continue;
                }
                let value = |k: &str| entry.get(k).and_then(|n| resolved(n, vars));
                if value("resource").map(|v| v.0).as_deref() != Some(tuple.resource_type.as_str()) {
                    continue;
                }
                let selects = match &tuple.resource {
                    ResourceSelector::Id(id) => {
                        if value("id").is_some_and(|v| &v.0 == id) {
                            Some(Selects::One)
                        } else {
                            entry.get("ids").and_then(|ids| {
                                ids.items()?
                                    .iter()
                                    .position(|n| resolved(n, vars).is_some_and(|v| &v.0 == id))
                                    .map(|i| Selects::Ids(ids, i))
                            })
                        }
                    }
                    ResourceSelector::Property(p) => value("property")
                        .is_some_and(|v| &v.0 == p)
                        .then_some(Selects::One),
                };
                if let Some(selects) = selects {
                    out.push(Grant {
                        doc,
                        list,
                        index,
                        entry,
                        selects,
                    });
                }
            }
        }
        out
    }

    fn owner_is(vars: &Variables, entry: &Node, owner: &Principal) -> bool {
        let Some(o) = entry.get("owner") else {
            return false;
        };
        let get = |k: &str| o.get(k).and_then(|n| resolved(n, vars)).map(|v| v.0);
        get("type").as_deref() == Some(owner.owner_type().as_str())
            && get("id").as_deref() == Some(owner.id())
    }

    /// Why a permission entry cannot be rewritten, if it cannot.
    fn unwritable(vars: &Variables, grant: &Grant<'_>) -> Option<&'static str> {
        let templated = ["resource", "id", "property"]
            .iter()
            .filter_map(|k| grant.entry.get(k))
            .chain(
                grant
                    .entry
                    .get("allow")
                    .into_iter()
                    .flat_map(|a| a.items().into_iter().flatten()),
            )
            .chain(
                grant
                    .entry
                    .get("ids")
                    .into_iter()
                    .flat_map(|a| a.items().into_iter().flatten()),
            )
            .any(|n| resolved(n, vars).is_some_and(|v| v.1));
        if templated {
            Some("is written with a variable")
        } else if grant.list.anchored || grant.entry.shared() {
            Some("is written through a YAML alias or anchor")
        } else {
            None
        }
    }

    /// Where the owner of `tuple` has its `permissions` through an alias.
    fn permissions_alias(&self, tuple: &AuthorizationTuple) -> Option<(String, String)> {
        let section = Section::of_principal(&tuple.owner);
        alias_on_the_way(
            &self.docs,
            self.vars,
            section,
            tuple.owner.id(),
            &["permissions"],
        )
    }

    fn remove_authorization(&mut self, key: &str, tuple: &AuthorizationTuple) {
        let grants = Self::grants(&self.docs, self.vars, tuple);
        if grants.is_empty() {
            let alias = self.permissions_alias(tuple);
            let what = tuple.to_string();
            return self.refuse(
                key,
                not_found(&what, alias, "is not in the cluster", "remove"),
            );
        }
        let mut refusals = Vec::new();
        for grant in &grants {
            if let Some(why) = Self::unwritable(self.vars, grant) {
                let place = self.docs[grant.doc].place(grant.entry.start);
                refusals.push(format!(
                    "{place}: {tuple} is not in the cluster, but its entry {why}; remove it by hand"
                ));
                continue;
            }
            let edits = &mut self.edits[grant.doc];
            match grant.selects {
                // The ID leaves its `ids:` list; the last one takes the entry.
                Selects::Ids(ids, i)
                    if ids
                        .items()
                        .into_iter()
                        .flatten()
                        .enumerate()
                        .any(|(j, _)| j != i && !edits.removed(ids, j)) =>
                {
                    edits.remove(ids, i)
                }
                _ => edits.remove(grant.list, grant.index),
            }
        }
        for why in refusals {
            self.refuse(key, why);
        }
    }

    fn set_authorization(
        &mut self,
        key: &str,
        tuple: &AuthorizationTuple,
        live: &BTreeSet<PermissionType>,
    ) {
        let grants = Self::grants(&self.docs, self.vars, tuple);
        let Some(grant) = grants.first() else {
            let alias = self.permissions_alias(tuple);
            let what = tuple.to_string();
            return self.refuse(
                key,
                not_found(&what, alias, "differs in the cluster", "change"),
            );
        };
        if let Some(why) = Self::unwritable(self.vars, grant) {
            let place = self.docs[grant.doc].place(grant.entry.start);
            return self.refuse(
                key,
                format!("{place}: {tuple} differs in the cluster, but its entry {why}; change it by hand"),
            );
        }
        let doc = grant.doc;
        match grant.selects {
            Selects::Ids(ids, i) if ids.items().is_some_and(|items| items.len() > 1) => {
                // Split: this ID leaves the shared entry for one of its own.
                let with_owner = grant.entry.get("owner").is_some();
                let value = permission_value(tuple, live, with_owner);
                self.edits[doc].remove(ids, i);
                self.edits[doc].append(grant.list, value);
            }
            _ => {
                let Some(allow) = grant.entry.get("allow").filter(|a| a.items().is_some()) else {
                    let place = self.docs[doc].place(grant.entry.start);
                    return self.refuse(key, format!("{place}: {tuple} differs in the cluster, but its `allow` cannot be rewritten; change it by hand"));
                };
                let mut present = BTreeSet::new();
                for (i, item) in allow.items().into_iter().flatten().enumerate() {
                    let name = resolved(item, self.vars).map(|v| v.0).unwrap_or_default();
                    match PermissionType::parse(name.trim()) {
                        Some(p) if live.contains(&p) && present.insert(p) => {}
                        _ => self.edits[doc].remove(allow, i),
                    }
                }
                for p in live.difference(&present) {
                    self.edits[doc].append(allow, Value::Scalar(p.as_str().to_owned()));
                }
            }
        }
    }

    fn add_authorization(
        &mut self,
        key: &str,
        tuple: &AuthorizationTuple,
        permissions: &BTreeSet<PermissionType>,
    ) {
        let section = Section::of_principal(&tuple.owner);
        let mut refusal = None;
        if let Some(found) = find(&self.docs, self.vars, section, tuple.owner.id()) {
            let doc = found.doc;
            let value = permission_value(tuple, permissions, false);
            match found.item.get("permissions") {
                Some(list) => {
                    refusal = append_to(&self.docs, &mut self.edits, key, doc, list, value);
                }
                None => {
                    self.edits[doc].add_entry(found.item, "permissions", Value::Items(vec![value]))
                }
            }
        } else {
            // An owner declared only under `authorizations:`: next to its
            // other entries; else wherever that section is.
            let value = permission_value(tuple, permissions, true);
            let vars = self.vars;
            let place = self.docs.iter().enumerate().find_map(|(doc, d)| {
                let list = d.root().and_then(|r| r.get("authorizations"))?;
                list.items()?
                    .iter()
                    .any(|e| Self::owner_is(vars, e, &tuple.owner))
                    .then_some((doc, list))
            });
            match place {
                Some((doc, list)) => {
                    refusal = append_to(&self.docs, &mut self.edits, key, doc, list, value);
                }
                None => self.add_to_section(Section::Authorizations, value),
            }
        }
        if let Some(why) = refusal {
            self.refuse(key, why);
        }
    }

    /// The edited texts, new files for sections no file had, and what was
    /// refused.
    fn finish(mut self, paths: &[PathBuf]) -> Result<(FileUpdate, BTreeSet<String>)> {
        let sections = std::mem::take(&mut self.sections);
        if !sections.is_empty() {
            let dir = paths.iter().find(|p| p.is_dir());
            for (section, items) in sections {
                let value = Value::Items(items);
                let Some(dir) = dir else {
                    // Files named one by one: the first gets the section.
                    if let Some(edits) = self.edits.first_mut() {
                        edits.add_section(section.key(), value);
                    }
                    continue;
                };
                let path = dir.join(format!("{}.yaml", section.key()));
                match self.docs.iter().position(|d| d.path == path) {
                    Some(doc) => self.edits[doc].add_section(section.key(), value),
                    None => {
                        let text = preamble(&self.docs);
                        let tree = Tree::parse(&text).unwrap_or(Tree { root: None });
                        let mut edits = Edits::default();
                        edits.add_section(section.key(), value);
                        self.docs.push(Doc {
                            path,
                            text,
                            tree,
                            created: true,
                        });
                        self.edits.push(edits);
                    }
                }
            }
        }
        let mut files = Vec::new();
        for (doc, edits) in self.docs.iter().zip(&self.edits) {
            let after = edits
                .apply(&doc.text, &doc.tree)
                .map_err(|e| Error::Format {
                    path: doc.path.clone(),
                    message: format!("cannot be edited: {}", e.0),
                })?;
            if after != doc.text || doc.created {
                files.push(UpdatedFile {
                    path: doc.path.clone(),
                    before: (!doc.created).then(|| doc.text.clone()),
                    after,
                });
            }
        }
        Ok((
            FileUpdate {
                files,
                refused: self.refused,
                left_alone: self.left_alone,
            },
            self.refused_changes,
        ))
    }
}

/// The first lines of a new file: the schema comment the other files use,
/// and `version: 1`.
fn preamble(docs: &[Doc]) -> String {
    let schema = docs.iter().find_map(|d| {
        d.text
            .lines()
            .next()
            .filter(|l| l.starts_with("# yaml-language-server:"))
            .map(str::to_owned)
    });
    match schema {
        Some(line) => format!("{line}\nversion: 1\n"),
        None => "version: 1\n".to_owned(),
    }
}

/// Whether a node below `node` defines an anchor.
fn anchors_within(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Seq { items, .. } => items.iter().any(|n| n.anchored || anchors_within(n)),
        NodeKind::Map { entries, .. } => entries
            .iter()
            .any(|(k, v)| k.anchored || v.anchored || anchors_within(v)),
        _ => false,
    }
}

/// The place and text of an alias met on the way from the entry of
/// `section` with ID `id` down `keys`.
fn alias_on_the_way(
    docs: &[Doc],
    vars: &Variables,
    section: Section,
    id: &str,
    keys: &[&str],
) -> Option<(String, String)> {
    let found = find(docs, vars, section, id)?;
    let doc = &docs[found.doc];
    let mut node = found.item;
    for key in keys {
        node = node.get(key)?;
        if matches!(node.kind, NodeKind::Alias) {
            let text = doc.text[node.start..node.end].to_owned();
            return Some((doc.place(node.start), text));
        }
    }
    None
}

/// Why a difference found no place in the files: an alias (named), or no
/// declaration at all.
fn not_found(what: &str, alias: Option<(String, String)>, state: &str, verb: &str) -> String {
    match alias {
        Some((place, alias)) => format!(
            "{place}: {what} {state}, but it is declared through the YAML alias `{alias}`, which other entries share; {verb} it by hand"
        ),
        None => format!(
            "{what} {state}, but its declaration was not found in the files; {verb} it by hand"
        ),
    }
}

/// Appends `value` to the list `list` of document `doc`; why not, when
/// the list is written through an alias or an anchor.
fn append_to(
    docs: &[Doc],
    edits: &mut [Edits],
    what: &str,
    doc: usize,
    list: &Node,
    value: Value,
) -> Option<String> {
    if list.anchored || !matches!(list.kind, NodeKind::Seq { .. }) {
        let place = docs[doc].place(list.start);
        return Some(format!(
            "{place}: {what} differs in the cluster, but this list is written through a YAML alias or anchor; change it by hand"
        ));
    }
    edits[doc].append(list, value);
    None
}

/// A permission entry for one tuple (with its owner, for `authorizations:`).
fn permission_value(
    tuple: &AuthorizationTuple,
    permissions: &BTreeSet<PermissionType>,
    with_owner: bool,
) -> Value {
    let mut entries = Vec::new();
    if with_owner {
        entries.push((
            "owner".to_owned(),
            Value::Map(vec![
                (
                    "type".to_owned(),
                    Value::Scalar(tuple.owner.owner_type().as_str().to_owned()),
                ),
                ("id".to_owned(), Value::Scalar(scalar(tuple.owner.id()))),
            ]),
        ));
    }
    entries.push((
        "resource".to_owned(),
        Value::Scalar(tuple.resource_type.as_str().to_owned()),
    ));
    entries.push(match &tuple.resource {
        ResourceSelector::Id(id) => ("id".to_owned(), Value::Scalar(scalar(id))),
        ResourceSelector::Property(p) => ("property".to_owned(), Value::Scalar(scalar(p))),
    });
    entries.push((
        "allow".to_owned(),
        Value::List(permission_names(permissions)),
    ));
    Value::Map(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::Live;
    use crate::model::catalogue::{CamundaVersion, ResourceType};
    use crate::model::state::{MappingRule, Tenant};

    const ACCESS: &str = "\
version: 1
policy:
  prune: [tenants, mapping-rules, users, authorizations]
tenants:
  - id: t1   # gone from the cluster
  # The second tenant.
  - id: t2
    name: Two
    members:
      users: [alice]
mapping-rules:
  - id: rule
    claim: groups
    value: ops   # the ops team
users:
  - username: alice
    name: Alice
    email: alice@example.com
    tenants: [t2]
authorizations:
  - owner: {type: USER, id: bob}
    resource: PROCESS_DEFINITION
    ids: [a, b]
    allow: [READ_PROCESS_DEFINITION]
";

    /// Every kind of difference, on a desired state loaded from a file and
    /// a live state made from it: the update plans empty (it is checked
    /// before it is returned) and reads as a person would write it.
    #[test]
    fn every_kind_of_difference_finds_its_place() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("access.yaml"), ACCESS).unwrap();
        let paths = vec![dir.path().to_owned()];
        let vars = Variables::default();
        let outcome = config::load(&paths, CamundaVersion::V8_8, &vars);
        let desired = outcome.desired.expect("valid");
        let mut state = desired.state.clone();
        for (i, grant) in state.authorizations.values_mut().enumerate() {
            grant.keys = vec![format!("{i}")];
        }
        state.tenants.remove(&"t1".into());
        state
            .mapping_rules
            .get_mut(&"rule".into())
            .unwrap()
            .claim_value = "ops-2".into();
        state.users.get_mut(&"alice".into()).unwrap().email = Some("a@example.org".into());
        state.memberships.clear();
        let pd = |owner: &str, id: &str| AuthorizationTuple {
            owner: Principal::User(owner.into()),
            resource_type: ResourceType::ProcessDefinition,
            resource: ResourceSelector::Id(id.into()),
        };
        state.authorizations.remove(&pd("bob", "b"));
        state.tenants.insert(
            "t3".into(),
            Tenant {
                name: "Three".into(),
                description: "Made by hand".into(),
            },
        );
        state.mapping_rules.insert(
            "r2".into(),
            MappingRule {
                name: "r2".into(),
                claim_name: "team".into(),
                claim_value: "x".into(),
            },
        );
        state.grant(
            AuthorizationTuple {
                owner: Principal::MappingRule("r2".into()),
                resource_type: ResourceType::Message,
                resource: ResourceSelector::wildcard(),
            },
            [PermissionType::Create],
        );
        state.grant(pd("carol", "a"), [PermissionType::ReadProcessDefinition]);
        for grant in state.authorizations.values_mut() {
            if grant.keys.is_empty() {
                grant.keys = vec!["new".into()];
            }
        }
        let live = Live {
            version: CamundaVersion::V8_8,
            gateway_version: "8.8.0".into(),
            state,
            disabled: BTreeSet::new(),
            unknown: Vec::new(),
        };
        let session = Session::planned(live, desired);
        let report = DriftReport::new(&session);
        let update = update_files(&session, &report, &paths, &vars, UpdateOptions::default())
            .expect("the update plans empty");
        assert!(update.refused.is_empty(), "{:?}", update.refused);
        assert_eq!(update.files.len(), 1);
        let after = &update.files[0].after;
        assert_eq!(
            after,
            "\
version: 1
policy:
  prune: [tenants, mapping-rules, users, authorizations]
tenants:
  # The second tenant.
  - id: t2
    name: Two
    members:
      users: []
  - id: t3
    name: Three
    description: \"Made by hand\"
mapping-rules:
  - id: rule
    claim: groups
    value: ops-2   # the ops team
  - id: r2
    claim: team
    value: x
    permissions:
      - resource: MESSAGE
        id: \"*\"
        allow: [CREATE]
users:
  - username: alice
    name: Alice
    email: a@example.org
    tenants: []
authorizations:
  - owner: {type: USER, id: bob}
    resource: PROCESS_DEFINITION
    ids: [a]
    allow: [READ_PROCESS_DEFINITION]
  - owner:
      type: USER
      id: carol
    resource: PROCESS_DEFINITION
    id: a
    allow: [READ_PROCESS_DEFINITION]
"
        );
    }
}
