//! `Loader`: finds configuration files, reads them within safe limits, and
//! parses each into a [`RawFile`], turning every failure into a located
//! diagnostic.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_saphyr::{Budget, MessageFormatter, UserMessageFormatter};

use crate::config::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::config::raw::RawFile;
use crate::config::source::{FileId, Loc, SourceFile, Sources};

/// The largest configuration file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// The files of one desired state, read and parsed.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The text of every file read.
    pub sources: Sources,
    /// Files that parsed.
    pub files: Vec<(FileId, RawFile)>,
    /// Problems found while reading and parsing.
    pub diagnostics: Diagnostics,
}

/// Reads configuration files.
#[derive(Debug, Default)]
pub struct Loader;

fn is_yaml(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'));
    !hidden
        && path.is_file()
        && matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        )
}

fn yaml_files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if is_yaml(&path) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Whether a file has a top-level `version:` key (looked for in its first 64 KiB).
fn declares_version(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    if file.take(64 * 1024).read_to_end(&mut head).is_err() {
        return false;
    }
    String::from_utf8_lossy(&head)
        .lines()
        .any(|l| l.starts_with("version:") || l.starts_with("version :"))
}

fn subdirectories(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && !p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    dirs.sort();
    dirs
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

impl Loader {
    /// The files that form one desired state: each file path as given, and the
    /// `*.yaml`/`*.yml` files directly in each directory, sorted.
    pub fn files(&self, paths: &[PathBuf], diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for path in paths {
            match fs::metadata(path) {
                Ok(meta) if meta.is_dir() => match yaml_files_in(path) {
                    Ok(found) => files.extend(found),
                    Err(e) => diagnostics.push(Diagnostic::unlocated(
                        Code::FileUnreadable,
                        format!("cannot read directory {}: {e}", display(path)),
                    )),
                },
                Ok(_) => files.push(path.clone()),
                Err(e) => diagnostics.push(Diagnostic::unlocated(
                    Code::FileUnreadable,
                    format!("cannot read {}: {e}", display(path)),
                )),
            }
        }
        files.dedup();
        files
    }

    /// For `validate`: the groups of paths that each form one desired state.
    /// Normally one group (the paths as given); when the paths are
    /// directories that hold no YAML file of their own, every directory
    /// below them that does is a state of its own (a repository of several
    /// environments, or of examples).
    pub fn states(&self, paths: &[PathBuf]) -> Vec<Vec<PathBuf>> {
        self.discover(paths).0
    }

    /// Like [`Loader::states`], and also the directories skipped because no
    /// YAML file in them declares a top-level `version:` (CI workflows,
    /// Helm values and the like living next to desired states).
    pub fn discover(&self, paths: &[PathBuf]) -> (Vec<Vec<PathBuf>>, Vec<PathBuf>) {
        let mut ignored = Diagnostics::default();
        let direct = self.files(paths, &mut ignored);
        let all_dirs = paths.iter().all(|p| p.is_dir());
        if !direct.is_empty() || !all_dirs {
            return (vec![paths.to_vec()], Vec::new());
        }
        let mut states = Vec::new();
        let mut skipped = Vec::new();
        let mut stack: Vec<PathBuf> = paths.iter().rev().cloned().collect();
        while let Some(dir) = stack.pop() {
            if let Ok(files) = yaml_files_in(&dir)
                && !files.is_empty()
            {
                if files.iter().any(|f| declares_version(f)) {
                    states.push(vec![dir.clone()]);
                } else {
                    skipped.push(dir.clone());
                }
            }
            stack.extend(subdirectories(&dir).into_iter().rev());
        }
        if states.is_empty() {
            (vec![paths.to_vec()], Vec::new())
        } else {
            (states, skipped)
        }
    }

    /// Reads and parses the files of one desired state.
    pub fn load(&self, paths: &[PathBuf]) -> Loaded {
        let mut loaded = Loaded::default();
        let files = self.files(paths, &mut loaded.diagnostics);
        if files.is_empty() && !loaded.diagnostics.has_errors() {
            let named: Vec<String> = paths.iter().map(|p| display(p)).collect();
            loaded.diagnostics.push(
                Diagnostic::unlocated(
                    Code::NoConfig,
                    format!("no YAML files found in {}", named.join(", ")),
                )
                .help("name a .yaml/.yml file or a directory that holds some"),
            );
        }
        for path in files {
            self.load_file(&path, &mut loaded);
        }
        loaded
    }

    fn load_file(&self, path: &Path, loaded: &mut Loaded) {
        let name = display(path);
        let bytes = match read_limited(path) {
            Ok(bytes) => bytes,
            Err(ReadError::TooLarge(size)) => {
                let id = loaded.sources.add(SourceFile::new(name.clone(), ""));
                loaded.diagnostics.push(
                    Diagnostic::new(
                        Code::FileTooLarge,
                        loaded.sources.get(id).start(id),
                        format!(
                            "{name} is {} MiB; configuration files may have at most {} MiB",
                            size / (1024 * 1024),
                            MAX_FILE_BYTES / (1024 * 1024)
                        ),
                    )
                    .help("split the configuration over several files in one directory"),
                );
                return;
            }
            Err(ReadError::Io(e)) => {
                loaded.diagnostics.push(Diagnostic::unlocated(
                    Code::FileUnreadable,
                    format!("cannot read {name}: {e}"),
                ));
                return;
            }
        };
        self.load_bytes(name, bytes, loaded);
    }

    /// Parses one file's contents (also the entry point for fuzzing).
    pub fn load_bytes(&self, name: String, bytes: Vec<u8>, loaded: &mut Loaded) {
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let prefix_len = String::from_utf8_lossy(&e.as_bytes()[..valid]).len();
                let id = loaded.sources.add(SourceFile::new(name.clone(), lossy));
                let source = loaded.sources.get(id);
                let loc = source.loc_of_range(id, prefix_len, 1);
                loaded.diagnostics.push(
                    Diagnostic::new(Code::InvalidUtf8, loc, format!("{name} is not valid UTF-8"))
                        .label("invalid byte here")
                        .help("save the file as UTF-8"),
                );
                return;
            }
        };
        let id = loaded.sources.add(SourceFile::new(name, text));
        let source = loaded.sources.get(id);
        match parse(&source.text) {
            Ok(raw) => loaded.files.push((id, raw)),
            Err(e) => {
                let diagnostic = parse_diagnostic(source, id, &e);
                loaded.diagnostics.push(diagnostic);
            }
        }
    }
}

enum ReadError {
    TooLarge(u64),
    Io(std::io::Error),
}

fn read_limited(path: &Path) -> Result<Vec<u8>, ReadError> {
    let file = fs::File::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(size));
    }
    // The size can change between metadata and read (or be unknown for
    // special files): never read more than the limit.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

fn budget() -> Budget {
    let mut budget = Budget::default();
    budget.max_depth = 64;
    budget.max_nodes = 4_000_000;
    budget.max_events = 16_000_000;
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    budget.max_documents = 2;
    budget
}

/// Parses one file's text.
pub fn parse(text: &str) -> Result<RawFile, serde_saphyr::Error> {
    let options = serde_saphyr::options! {
        with_snippet: false,
        budget: Some(budget()),
    };
    serde_saphyr::from_str_with_options(text, options)
}

fn parse_diagnostic(source: &SourceFile, id: FileId, error: &serde_saphyr::Error) -> Diagnostic {
    use serde_saphyr::Error as E;
    let inner = match error {
        E::WithSnippet { error, .. } => error.as_ref(),
        other => other,
    };
    let message = UserMessageFormatter.format_message(inner).into_owned();
    let (code, help) = match inner {
        E::SerdeUnknownField { field, .. } if field == "lifecycle" => (
            Code::UnknownKey,
            Some(
                "`lifecycle` belongs on a tenant, group, role, mapping rule, user or `authorizations:` entry; clients have none (Camunda has no client object: their memberships follow the container's lifecycle, and their own `permissions:` are managed; to watch a client's grant, write it as an `authorizations:` entry with a lifecycle)",
            ),
        ),
        E::SerdeUnknownField { .. } => (
            Code::UnknownKey,
            Some("keys are kebab-case; see `camunda-access schema` for the format"),
        ),
        E::SerdeMissingField { .. } => (Code::MissingField, None),
        E::DuplicateMappingKey { .. } => (
            Code::DuplicateKey,
            Some("remove one of the two entries; YAML mappings have each key once"),
        ),
        E::MultipleDocuments { .. } => (
            Code::MultipleDocuments,
            Some("put each document in a file of its own; all files in a directory form one state"),
        ),
        E::Budget { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => (
            Code::YamlLimit,
            Some("configuration files need no deep nesting or alias expansion; simplify the file"),
        ),
        E::SerdeInvalidType { .. }
        | E::SerdeInvalidValue { .. }
        | E::SerdeInvalidLength { .. }
        | E::NullIntoString { .. }
        | E::Unexpected { .. }
        | E::InvalidScalar { .. } => (Code::InvalidType, None),
        E::InvalidUtf8Input => (Code::InvalidUtf8, None),
        _ if message.contains("recursion limit") || message.contains("nesting") => (
            Code::YamlLimit,
            Some("configuration files need no deep nesting; simplify the file"),
        ),
        _ => (Code::YamlSyntax, None),
    };
    let help = help.map(str::to_owned).or_else(|| match code {
        Code::YamlSyntax if message.contains("tab") => {
            Some("indent with spaces; YAML does not allow tabs for indentation".to_owned())
        }
        // The parser's words, said plainly with an example of the shape.
        Code::InvalidType if message.contains("sequence") => Some(
            "a list belongs here, e.g. `groups: [team, ops]`, or one `- team` per line below the key"
                .to_owned(),
        ),
        Code::InvalidType if message.contains("mapping") || message.contains("struct") => Some(
            "keys belong here, e.g. `- id: team` with the entry's other keys indented below it"
                .to_owned(),
        ),
        Code::InvalidType if message.contains("string") || message.contains("scalar") => Some(
            "a single value belongs here, e.g. `name: Team` (quote it if it holds `: ` or starts with `*`, `&`, `[` or `{`)"
                .to_owned(),
        ),
        _ => None,
    });
    let mut loc = match error.location() {
        Some(location) => source.loc(id, &location),
        None => source.start(id),
    };
    if code == Code::MultipleDocuments {
        loc = document_separator_before(source, id, loc);
    }
    let mut diagnostic = Diagnostic::new(code, loc, lowercase_first(&message));
    diagnostic.help = help;
    diagnostic
}

/// The parser reports a second document where its content starts; point at
/// the `---` that opens it instead.
fn document_separator_before(source: &SourceFile, id: FileId, loc: Loc) -> Loc {
    (1..=loc.line)
        .rev()
        .map(|line| source.offset_of(line, 1))
        .find(|&start| source.text[start..].starts_with("---"))
        .map(|start| source.loc_of_range(id, start, 3))
        .unwrap_or(loc)
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Whatever the bytes, reading gives a value or a located error: no panic.
        #[test]
        fn parsing_never_panics(text in "\\PC{0,200}") {
            let source = SourceFile::new("fuzz.yaml", text.as_str());
            if let Err(e) = parse(&source.text) {
                let d = parse_diagnostic(&source, FileId(0), &e);
                let loc = d.primary.expect("located").loc;
                prop_assert!(loc.offset + loc.len <= source.text.len());
            }
        }

        /// YAML-ish text built from the format's own tokens reaches deeper
        /// into the deserializer than random characters do.
        #[test]
        fn format_like_text_never_panics(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("version: 1\n"), Just("groups:\n"), Just("  - id: g\n"),
                    Just("    members:\n"), Just("      users: [a, b]\n"), Just("    permissions:\n"),
                    Just("      - resource: GROUP\n"), Just("        id: \"*\"\n"),
                    Just("        allow: [READ]\n"), Just("---\n"), Just("\t"), Just("&a "),
                    Just("*a\n"), Just("{"), Just("]"), Just(": "), Just("\n"),
                ],
                0..40,
            )
        ) {
            let text: String = parts.concat();
            let source = SourceFile::new("fuzz.yaml", text.as_str());
            if let Err(e) = parse(&source.text) {
                let d = parse_diagnostic(&source, FileId(0), &e);
                prop_assert!(d.primary.is_some());
            }
        }
    }
}
