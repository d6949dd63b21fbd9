//! `Edits`: what to change in one file, said in terms of its [`Tree`]'s
//! nodes (remove this item, append that one, set this scalar, add this
//! key), and turned into new text by replacing only the byte ranges those
//! nodes cover. Comments, blank lines, key order and the spacing of
//! everything else stay as written.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::config::edit::tree::{Node, NodeKind, Tree};

/// A value to write, in the format's own style: scalars plain when they
/// can be, short lists in flow style (`[a, b]`), the rest in block style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// A scalar, already rendered as YAML (see [`crate::export::scalar`]).
    Scalar(String),
    /// A list of scalars, already rendered, written `[a, b]`.
    List(Vec<String>),
    /// A mapping, keys in the order given.
    Map(Vec<(String, Value)>),
    /// A list of mappings (or other values), written one `- ` item a line.
    Items(Vec<Value>),
}

/// The changes to one file, by the node they change.
#[derive(Debug, Clone, Default)]
pub(crate) struct Edits {
    /// Items to remove, by sequence, by index.
    removals: BTreeMap<usize, BTreeSet<usize>>,
    /// Items to append, by sequence.
    appends: BTreeMap<usize, Vec<Value>>,
    /// New text of scalars.
    scalars: BTreeMap<usize, String>,
    /// Keys to add, by mapping.
    entries: BTreeMap<usize, Vec<(String, Value)>>,
    /// Sections to add at the end of the file.
    sections: Vec<(String, Value)>,
}

/// Why edits could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EditError(pub(crate) String);

impl Edits {
    /// Removes item `index` of the sequence `seq`.
    pub(crate) fn remove(&mut self, seq: &Node, index: usize) {
        self.removals.entry(seq.id).or_default().insert(index);
    }

    /// Whether item `index` of `seq` is removed already.
    pub(crate) fn removed(&self, seq: &Node, index: usize) -> bool {
        self.removals
            .get(&seq.id)
            .is_some_and(|r| r.contains(&index))
    }

    /// Appends `item` to the sequence `seq`.
    pub(crate) fn append(&mut self, seq: &Node, item: Value) {
        let items = self.appends.entry(seq.id).or_default();
        if !items.contains(&item) {
            items.push(item);
        }
    }

    /// Replaces the scalar `node` with `text` (already rendered).
    pub(crate) fn set(&mut self, node: &Node, text: String) {
        self.scalars.insert(node.id, text);
    }

    /// Adds `key: value` to the mapping `map` (after its last key). A
    /// key added twice gets its values merged when both are lists.
    pub(crate) fn add_entry(&mut self, map: &Node, key: &str, value: Value) {
        merge_into(self.entries.entry(map.id).or_default(), key, value);
    }

    /// Adds `key: value` as a top-level section at the end of the file.
    pub(crate) fn add_section(&mut self, key: &str, value: Value) {
        merge_into(&mut self.sections, key, value);
    }

    /// The file's new text.
    pub(crate) fn apply(&self, text: &str, tree: &Tree) -> Result<String, EditError> {
        let mut out = Vec::new();
        if let Some(root) = &tree.root {
            self.walk(text, root, 0, None, &mut out)?;
        }
        if !self.sections.is_empty() {
            let indent = tree
                .root
                .as_ref()
                .and_then(|r| sequence_indent(text, r))
                .unwrap_or(2);
            let mut add = String::new();
            if !text.is_empty() && !text.ends_with('\n') {
                add.push('\n');
            }
            for (key, value) in &self.sections {
                add.push('\n');
                entry(&mut add, 0, indent, key, value);
            }
            out.push(Raw {
                start: text.len(),
                end: text.len(),
                depth: 0,
                text: add,
            });
        }
        splice(text, out)
    }

    fn walk(
        &self,
        text: &str,
        node: &Node,
        depth: usize,
        key_end: Option<usize>,
        out: &mut Vec<Raw>,
    ) -> Result<(), EditError> {
        match &node.kind {
            NodeKind::Scalar(_) | NodeKind::Alias => {
                if let Some(new) = self.scalars.get(&node.id) {
                    out.push(Raw {
                        start: node.start,
                        end: node.end,
                        depth,
                        text: new.clone(),
                    });
                }
            }
            NodeKind::Seq { flow, items } => {
                let removed = self.removals.get(&node.id);
                let appended = self.appends.get(&node.id);
                let is_removed = |i: usize| removed.is_some_and(|r| r.contains(&i));
                if (removed.is_some() || appended.is_some()) && *flow {
                    let kept = items.iter().enumerate().filter(|(i, _)| !is_removed(*i));
                    let mut parts: Vec<String> = kept
                        .map(|(_, item)| text[item.start..item.end].to_owned())
                        .collect();
                    let block_items =
                        appended.is_some_and(|a| a.iter().any(|v| matches!(v, Value::Map(_))));
                    if parts.is_empty() && block_items {
                        // `permissions: []` that gets entries: block style.
                        let key_end = key_end.ok_or_else(|| {
                            EditError("a top-level list cannot be rewritten".into())
                        })?;
                        let col = column(text, key_end_line_start(text, key_end));
                        let mut add = String::from(":\n");
                        for item in appended.into_iter().flatten() {
                            list_item(&mut add, col + 2, col + 4, item);
                        }
                        trim_newline(&mut add);
                        out.push(Raw {
                            start: key_end,
                            end: node.end,
                            depth,
                            text: add,
                        });
                        return Ok(());
                    }
                    parts.extend(appended.into_iter().flatten().map(flow_value));
                    out.push(Raw {
                        start: node.start,
                        end: node.end,
                        depth,
                        text: format!("[{}]", parts.join(", ")),
                    });
                    return Ok(());
                }
                let all_removed = items.iter().enumerate().all(|(i, _)| is_removed(i));
                if removed.is_some() && all_removed && appended.is_none() {
                    let key_end = key_end
                        .ok_or_else(|| EditError("a top-level list cannot be emptied".into()))?;
                    out.push(Raw {
                        start: key_end,
                        end: node.end,
                        depth,
                        text: ": []".into(),
                    });
                    return Ok(());
                }
                for (i, item) in items.iter().enumerate() {
                    if is_removed(i) {
                        let dash = dash_before(text, item.start).ok_or_else(|| {
                            EditError(format!(
                                "the list item at byte {} is not on a line of its own",
                                item.start
                            ))
                        })?;
                        out.push(Raw {
                            start: line_start(text, dash),
                            end: line_end(text, item.end.max(item.start + 1) - 1),
                            depth,
                            text: String::new(),
                        });
                    } else {
                        self.walk(text, item, depth + 1, None, out)?;
                    }
                }
                if let (Some(appended), Some(last), Some(first)) =
                    (appended, items.last(), items.first())
                {
                    let dash = dash_before(text, first.start).unwrap_or(first.start);
                    let dash_col = column(text, dash);
                    let key_col = dash_col + (first.start - dash).max(2);
                    let at = line_end(text, last.end.max(last.start + 1) - 1);
                    let mut add = String::new();
                    if at == text.len() && !text.ends_with('\n') {
                        add.push('\n');
                    }
                    for item in appended {
                        list_item(&mut add, dash_col, key_col, item);
                    }
                    out.push(Raw {
                        start: at,
                        end: at,
                        depth,
                        text: add,
                    });
                }
            }
            NodeKind::Map { flow, entries } => {
                for (key, value) in entries {
                    self.walk(text, key, depth + 1, None, out)?;
                    self.walk(text, value, depth + 1, Some(key.end), out)?;
                }
                if let Some(added) = self.entries.get(&node.id) {
                    if *flow {
                        let mut add = String::new();
                        for (key, value) in added {
                            let _ = write!(add, ", {key}: {}", flow_value(value));
                        }
                        if entries.is_empty() {
                            add = add.trim_start_matches(", ").to_owned();
                        }
                        out.push(Raw {
                            start: node.end - 1,
                            end: node.end - 1,
                            depth,
                            text: add,
                        });
                    } else {
                        let col = column(text, node.start);
                        let indent = sequence_indent(text, node).unwrap_or(2).max(1);
                        let at = line_end(text, node.end.max(node.start + 1) - 1);
                        let mut add = String::new();
                        if at == text.len() && !text.ends_with('\n') {
                            add.push('\n');
                        }
                        for (key, value) in added {
                            entry(&mut add, col, indent, key, value);
                        }
                        out.push(Raw {
                            start: at,
                            end: at,
                            depth,
                            text: add,
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

fn merge_into(entries: &mut Vec<(String, Value)>, key: &str, value: Value) {
    match entries.iter_mut().find(|(k, _)| k == key) {
        Some((_, existing)) => match (existing, value) {
            (Value::List(a), Value::List(b)) => {
                for item in b {
                    if !a.contains(&item) {
                        a.push(item);
                    }
                }
            }
            (Value::Items(a), Value::Items(b)) => a.extend(b),
            (Value::Map(a), Value::Map(b)) => {
                for (k, v) in b {
                    merge_into(a, &k, v);
                }
            }
            (existing, value) => *existing = value,
        },
        None => entries.push((key.to_owned(), value)),
    }
}

/// One replacement of a byte range; `depth` orders insertions at one
/// place (the innermost first, so a list's new item comes before a key
/// added to the mapping that holds the list).
#[derive(Debug)]
struct Raw {
    start: usize,
    end: usize,
    depth: usize,
    text: String,
}

fn splice(text: &str, mut raws: Vec<Raw>) -> Result<String, EditError> {
    // New lines end as the file's lines do.
    if text.contains("\r\n") {
        for raw in &mut raws {
            raw.text = raw.text.replace("\r\n", "\n").replace('\n', "\r\n");
        }
    }
    raws.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.depth.cmp(&a.depth))
            .then(a.end.cmp(&b.end))
    });
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for raw in raws {
        if raw.start < cursor {
            if raw.end <= cursor {
                // Inside something removed or rewritten whole.
                continue;
            }
            return Err(EditError(format!(
                "two edits overlap at byte {}",
                raw.start
            )));
        }
        out.push_str(&text[cursor..raw.start]);
        out.push_str(&raw.text);
        cursor = raw.end;
    }
    out.push_str(&text[cursor..]);
    Ok(out)
}

/// The byte offset of the line that holds `offset`.
pub(crate) fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Just after the line break that ends the line holding `offset`.
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

fn column(text: &str, offset: usize) -> usize {
    offset - line_start(text, offset)
}

fn key_end_line_start(text: &str, key_end: usize) -> usize {
    let start = line_start(text, key_end.saturating_sub(1));
    start + text[start..].len() - text[start..].trim_start_matches(' ').len()
}

/// The `-` of a block sequence's item starting at `start`, when it opens
/// its line (only spaces before it).
fn dash_before(text: &str, start: usize) -> Option<usize> {
    let before = text[..start].trim_end_matches([' ', '\n', '\r']);
    let dash = before.len().checked_sub(1)?;
    (before.ends_with('-') && text[line_start(text, dash)..dash].trim().is_empty()).then_some(dash)
}

/// How far a file indents nested keys and list items: the first block
/// sequence's indentation below its key, or the first nested key's.
fn sequence_indent(text: &str, node: &Node) -> Option<usize> {
    if let NodeKind::Map {
        flow: false,
        entries,
    } = &node.kind
    {
        let col = column(text, node.start);
        for (_, value) in entries {
            let nested = match &value.kind {
                NodeKind::Seq { flow: false, .. } => Some(column(text, value.start)),
                NodeKind::Map { flow: false, .. } => Some(column(text, value.start)),
                _ => None,
            };
            if let Some(nested) = nested
                && nested > col
            {
                return Some(nested - col);
            }
        }
        for (_, value) in entries {
            if let Some(found) = sequence_indent(text, value) {
                return Some(found);
            }
            if let Some(items) = value.items() {
                for item in items {
                    if let Some(found) = sequence_indent(text, item) {
                        return Some(found);
                    }
                }
            }
        }
    }
    None
}

fn trim_newline(s: &mut String) {
    while s.ends_with('\n') {
        s.pop();
    }
}

/// `key: value` at column `col`, nested values `step` further in.
fn entry(out: &mut String, col: usize, step: usize, key: &str, value: &Value) {
    let pad = " ".repeat(col);
    match value {
        Value::Scalar(s) => {
            let _ = writeln!(out, "{pad}{key}: {s}");
        }
        Value::List(items) => {
            let _ = writeln!(out, "{pad}{key}: [{}]", items.join(", "));
        }
        Value::Map(entries) => {
            let _ = writeln!(out, "{pad}{key}:");
            for (k, v) in entries {
                entry(out, col + step, step, k, v);
            }
        }
        Value::Items(items) if items.is_empty() => {
            let _ = writeln!(out, "{pad}{key}: []");
        }
        Value::Items(items) => {
            let _ = writeln!(out, "{pad}{key}:");
            for item in items {
                list_item(out, col + step, col + step + 2, item);
            }
        }
    }
}

/// `- item` with its `-` at `dash_col` and its keys at `key_col`.
fn list_item(out: &mut String, dash_col: usize, key_col: usize, item: &Value) {
    let step = (key_col - dash_col).max(2);
    match item {
        Value::Map(entries) => {
            let mut body = String::new();
            for (k, v) in entries {
                entry(&mut body, key_col, step, k, v);
            }
            // The first key goes on the `-` line.
            let body = body.trim_start_matches(' ');
            let _ = write!(out, "{}- {body}", " ".repeat(dash_col));
        }
        other => {
            let _ = writeln!(out, "{}- {}", " ".repeat(dash_col), flow_value(other));
        }
    }
}

fn flow_value(value: &Value) -> String {
    match value {
        Value::Scalar(s) => s.clone(),
        Value::List(items) => format!("[{}]", items.join(", ")),
        Value::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", flow_value(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Items(items) => {
            let parts: Vec<String> = items.iter().map(flow_value).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# The platform team's groups.
version: 1

groups:
  # Order workers: every worker client.
  - id: order-workers   # a comment on the ID
    name: Order workers
    members:
      clients: [worker-a, worker-b]
    permissions:
      - resource: MESSAGE
        id: \"*\"
        allow:
          - CREATE
          - READ
  # Ops.
  - id: ops
    roles: [operator]

roles: []
";

    fn edited(edit: impl FnOnce(&Node, &mut Edits)) -> String {
        let tree = Tree::parse(FILE).unwrap();
        let mut edits = Edits::default();
        edit(tree.root.as_ref().unwrap(), &mut edits);
        edits.apply(FILE, &tree).unwrap()
    }

    fn groups(root: &Node) -> &[Node] {
        root.get("groups").unwrap().items().unwrap()
    }

    #[test]
    fn nothing_to_do_keeps_the_text() {
        assert_eq!(edited(|_, _| {}), FILE);
    }

    #[test]
    fn a_flow_item_is_removed_and_one_added() {
        let out = edited(|root, edits| {
            let clients = groups(root)[0]
                .get("members")
                .unwrap()
                .get("clients")
                .unwrap();
            edits.remove(clients, 0);
            edits.append(clients, Value::Scalar("worker-c".into()));
        });
        assert_eq!(
            out,
            FILE.replace("[worker-a, worker-b]", "[worker-b, worker-c]")
        );
    }

    #[test]
    fn a_block_item_is_removed_with_its_lines_only() {
        let out = edited(|root, edits| {
            let allow = groups(root)[0].get("permissions").unwrap().items().unwrap()[0]
                .get("allow")
                .unwrap();
            edits.remove(allow, 1);
            edits.append(allow, Value::Scalar("UPDATE".into()));
        });
        assert_eq!(out, FILE.replace("- READ\n", "- UPDATE\n"));
    }

    #[test]
    fn an_entity_goes_and_the_comment_above_the_next_stays() {
        let out = edited(|root, edits| {
            edits.remove(root.get("groups").unwrap(), 0);
        });
        assert!(out.starts_with("# The platform team's groups.\nversion: 1\n\ngroups:\n  # Order workers: every worker client.\n  # Ops.\n  - id: ops\n"), "{out}");
    }

    #[test]
    fn the_last_item_leaves_an_empty_list() {
        let out = edited(|root, edits| {
            let permissions = groups(root)[0].get("permissions").unwrap();
            edits.remove(permissions, 0);
        });
        assert!(
            out.contains("      clients: [worker-a, worker-b]\n    permissions: []\n  # Ops.\n"),
            "{out}"
        );
    }

    #[test]
    fn new_items_take_their_siblings_indentation() {
        let out = edited(|root, edits| {
            edits.append(
                root.get("groups").unwrap(),
                Value::Map(vec![
                    ("id".into(), Value::Scalar("new".into())),
                    (
                        "members".into(),
                        Value::Map(vec![("clients".into(), Value::List(vec!["c".into()]))]),
                    ),
                    (
                        "permissions".into(),
                        Value::Items(vec![Value::Map(vec![
                            ("resource".into(), Value::Scalar("GROUP".into())),
                            ("id".into(), Value::Scalar("\"*\"".into())),
                            ("allow".into(), Value::List(vec!["READ".into()])),
                        ])]),
                    ),
                ]),
            );
        });
        assert!(
            out.ends_with("    roles: [operator]\n  - id: new\n    members:\n      clients: [c]\n    permissions:\n      - resource: GROUP\n        id: \"*\"\n        allow: [READ]\n\nroles: []\n"),
            "{out}"
        );
    }

    #[test]
    fn keys_are_added_after_the_last_and_lists_grow_before_them() {
        let out = edited(|root, edits| {
            let ops = &groups(root)[1];
            edits.add_entry(ops, "description", Value::Scalar("Operations".into()));
            let permissions = groups(root)[0].get("permissions").unwrap();
            edits.append(
                permissions,
                Value::Map(vec![
                    ("resource".into(), Value::Scalar("GROUP".into())),
                    ("id".into(), Value::Scalar("ops".into())),
                    ("allow".into(), Value::List(vec!["READ".into()])),
                ]),
            );
            edits.add_entry(
                &groups(root)[0],
                "description",
                Value::Scalar("Workers".into()),
            );
        });
        assert!(out.contains("          - READ\n      - resource: GROUP\n        id: ops\n        allow: [READ]\n    description: Workers\n  # Ops.\n"), "{out}");
        assert!(
            out.contains("    roles: [operator]\n    description: Operations\n\nroles: []\n"),
            "{out}"
        );
    }

    #[test]
    fn an_empty_flow_list_gets_block_items_and_scalars_are_replaced() {
        let out = edited(|root, edits| {
            let name = groups(root)[0].get("name").unwrap();
            edits.set(name, "\"Order workers: all\"".into());
            edits.append(
                root.get("roles").unwrap(),
                Value::Map(vec![("id".into(), Value::Scalar("operator".into()))]),
            );
        });
        assert!(out.contains("    name: \"Order workers: all\"\n"), "{out}");
        assert!(out.ends_with("\nroles:\n  - id: operator\n"), "{out}");
    }

    #[test]
    fn a_file_with_windows_line_endings_keeps_them() {
        let text = FILE.replace('\n', "\r\n");
        let tree = Tree::parse(&text).unwrap();
        let root = tree.root.as_ref().unwrap();
        let mut edits = Edits::default();
        edits.remove(root.get("groups").unwrap(), 1);
        edits.add_entry(
            &root.get("groups").unwrap().items().unwrap()[0],
            "description",
            Value::Scalar("Workers".into()),
        );
        let out = edits.apply(&text, &tree).unwrap();
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
        assert!(
            out.contains(
                "          - READ\r\n    description: Workers\r\n  # Ops.\r\n\r\nroles: []\r\n"
            ),
            "{out:?}"
        );
    }

    #[test]
    fn a_section_is_added_at_the_end() {
        let out = edited(|_, edits| {
            edits.add_section(
                "tenants",
                Value::Items(vec![Value::Map(vec![(
                    "id".into(),
                    Value::Scalar("t".into()),
                )])]),
            );
        });
        assert!(out.ends_with("roles: []\n\ntenants:\n  - id: t\n"), "{out}");
    }
}
