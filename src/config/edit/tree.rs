//! `Tree`: one YAML file as nodes with byte ranges, for editing its text in
//! place. Comments are not nodes: whatever lies between the ranges of the
//! nodes (comments, blank lines, the user's spacing) is never touched by
//! an edit that does not cover it.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

/// One node of a YAML document.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// A number unique in its tree.
    pub(crate) id: usize,
    /// Byte offset where the node's content starts (the first key of a
    /// block mapping, the first `-` of a block sequence).
    pub(crate) start: usize,
    /// Byte offset just after the node's last content (its last scalar,
    /// closing bracket or alias), never after a trailing comment.
    pub(crate) end: usize,
    /// Whether the node defines an anchor (`&name`): an edit in it would
    /// also change every alias of it.
    pub(crate) anchored: bool,
    /// What the node is.
    pub(crate) kind: NodeKind,
}

/// The kinds of node.
#[derive(Debug, Clone)]
pub(crate) enum NodeKind {
    /// A scalar, as YAML reads it (before `${…}` interpolation).
    Scalar(String),
    /// A sequence: block (`- item` lines) or flow (`[a, b]`).
    Seq {
        /// Flow style.
        flow: bool,
        /// The items.
        items: Vec<Node>,
    },
    /// A mapping: block or flow (`{a: 1}`).
    Map {
        /// Flow style.
        flow: bool,
        /// Keys and values, in the order written.
        entries: Vec<(Node, Node)>,
    },
    /// An alias (`*name`): a value written elsewhere.
    Alias,
}

impl Node {
    /// The scalar's text.
    pub(crate) fn scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The sequence's items.
    pub(crate) fn items(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq { items, .. } => Some(items),
            _ => None,
        }
    }

    /// Whether this is a flow collection.
    #[cfg(test)]
    pub(crate) fn is_flow(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::Seq { flow: true, .. } | NodeKind::Map { flow: true, .. }
        )
    }

    /// The key node and value of `key` in a mapping.
    pub(crate) fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.kind {
            NodeKind::Map { entries, .. } => entries
                .iter()
                .find(|(k, _)| k.scalar() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The value of `key` in a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Whether the node, or a node it holds, is an alias or defines an
    /// anchor.
    pub(crate) fn shared(&self) -> bool {
        self.anchored
            || match &self.kind {
                NodeKind::Alias => true,
                NodeKind::Scalar(_) => false,
                NodeKind::Seq { items, .. } => items.iter().any(Node::shared),
                NodeKind::Map { entries, .. } => {
                    entries.iter().any(|(k, v)| k.shared() || v.shared())
                }
            }
    }
}

/// A parsed file: its root node (`None` for an empty document).
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    /// The document's root.
    pub(crate) root: Option<Node>,
}

struct Builder<'a> {
    events: Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
    next_id: usize,
}

type Spanned<'a> = (Event<'a>, usize, usize);

impl<'a> Builder<'a> {
    fn next(&mut self) -> Option<Spanned<'a>> {
        loop {
            let (event, span) = self.events.next()?.ok()?;
            let start = span.start.byte_offset().unwrap_or(span.start.index());
            let end = span.end.byte_offset().unwrap_or(span.end.index());
            match event {
                Event::Comment(..) | Event::Anchor(..) => continue,
                event => return Some((event, start, end)),
            }
        }
    }

    fn id(&mut self) -> usize {
        self.next_id += 1;
        self.next_id
    }

    /// The node whose first event is `first`.
    fn node(&mut self, first: Spanned<'a>) -> Option<Node> {
        let (event, start, end) = first;
        let id = self.id();
        Some(match event {
            Event::Scalar(value, style, anchor, _) => Node {
                id,
                start,
                end,
                anchored: anchor != 0,
                kind: NodeKind::Scalar(match style {
                    ScalarStyle::Plain if end == start => String::new(),
                    _ => value.into_owned(),
                }),
            },
            Event::Alias(_) => Node {
                id,
                start,
                end,
                anchored: false,
                kind: NodeKind::Alias,
            },
            Event::SequenceStart(style, anchor, _) => {
                let mut items = Vec::new();
                let close = loop {
                    let next = self.next()?;
                    if matches!(next.0, Event::SequenceEnd) {
                        break next.2;
                    }
                    items.push(self.node(next)?);
                };
                let flow = style == StructureStyle::Flow;
                let end = if flow {
                    close
                } else {
                    items.last().map_or(start, |n| n.end)
                };
                Node {
                    id,
                    start,
                    end,
                    anchored: anchor != 0,
                    kind: NodeKind::Seq { flow, items },
                }
            }
            Event::MappingStart(style, anchor, _) => {
                let mut entries = Vec::new();
                let close = loop {
                    let next = self.next()?;
                    if matches!(next.0, Event::MappingEnd) {
                        break next.2;
                    }
                    let key = self.node(next)?;
                    let value_event = self.next()?;
                    let value = self.node(value_event)?;
                    entries.push((key, value));
                };
                let flow = style == StructureStyle::Flow;
                let end = if flow {
                    close
                } else {
                    entries.last().map_or(start, |(k, v)| v.end.max(k.end))
                };
                Node {
                    id,
                    start,
                    end,
                    anchored: anchor != 0,
                    kind: NodeKind::Map { flow, entries },
                }
            }
            _ => return None,
        })
    }
}

impl Tree {
    /// Parses `text`; `None` when it is not one well-formed document.
    pub(crate) fn parse(text: &str) -> Option<Tree> {
        let mut builder = Builder {
            events: Parser::new_from_str(text),
            next_id: 0,
        };
        loop {
            let (event, start, end) = builder.next()?;
            match event {
                Event::StreamStart | Event::DocumentStart(..) => continue,
                Event::DocumentEnd | Event::StreamEnd => return Some(Tree { root: None }),
                event => {
                    let root = builder.node((event, start, end))?;
                    return Some(Tree { root: Some(root) });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_their_text() {
        let text = "# head\nversion: 1\ngroups:\n  - id: a  # note\n    members:\n      clients: [x, y]\n  - id: b\nx-a: &a [1]\ny: *a\n";
        let tree = Tree::parse(text).unwrap();
        let root = tree.root.unwrap();
        let groups = root.get("groups").unwrap();
        let items = groups.items().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(
            &text[items[0].start..items[0].end],
            "id: a  # note\n    members:\n      clients: [x, y]"
        );
        assert_eq!(&text[groups.start..groups.start + 1], "-");
        let clients = items[0].get("members").unwrap().get("clients").unwrap();
        assert!(clients.is_flow());
        assert_eq!(&text[clients.start..clients.end], "[x, y]");
        assert!(root.get("x-a").unwrap().anchored);
        assert!(matches!(root.get("y").unwrap().kind, NodeKind::Alias));
        assert!(!items[0].shared());
    }
}
