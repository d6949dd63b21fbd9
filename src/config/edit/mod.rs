//! Editing configuration files in place: a file's YAML as a [`Tree`] of
//! nodes with byte ranges, and [`Edits`] that replace only the ranges of
//! what changes, so comments, key order and layout survive (a round trip
//! through serde would lose them). `drift --update-files` uses it
//! ([`crate::ops::update_files`]).

pub(crate) mod text;
pub(crate) mod tree;

pub(crate) use text::{Edits, Value};
pub(crate) use tree::{Node, NodeKind, Tree};
