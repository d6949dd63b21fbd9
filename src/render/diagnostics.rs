//! Configuration diagnostics as text (miette's graphical report) or JSON.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use serde::Serialize;

use crate::config::diagnostic::{Diagnostic, Diagnostics, Label, Severity};
use crate::config::source::{Loc, Sources};

/// Version of the JSON document `validate --format json` prints.
pub const DIAGNOSTICS_FORMAT_VERSION: u32 = 1;

/// How human output looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Use colour.
    pub color: bool,
    /// Wrap at this width.
    pub width: usize,
}

/// A diagnostic in the shape miette renders.
struct Report {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn labeled(label: &Label, primary: bool) -> LabeledSpan {
    let text = (!label.text.is_empty()).then(|| label.text.clone());
    let span = (label.loc.offset, label.loc.len);
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

fn named_source(sources: &Sources, loc: Loc) -> NamedSource<Arc<str>> {
    let file = sources.get(loc.file);
    NamedSource::new(&file.name, file.text.clone())
}

fn report(diagnostic: &Diagnostic, sources: &Sources) -> Report {
    let severity = match diagnostic.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    let mut labels = Vec::new();
    let mut related = Vec::new();
    let source = diagnostic.primary.as_ref().map(|primary| {
        labels.push(labeled(primary, true));
        named_source(sources, primary.loc)
    });
    let primary_file = diagnostic.primary.as_ref().map(|p| p.loc.file);
    for label in &diagnostic.related {
        if Some(label.loc.file) == primary_file {
            labels.push(labeled(label, false));
        } else {
            related.push(Report {
                message: label.text.clone(),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source: Some(named_source(sources, label.loc)),
                labels: vec![LabeledSpan::new_primary_with_span(
                    Some("here".to_owned()),
                    (label.loc.offset, label.loc.len),
                )],
                related: Vec::new(),
            });
        }
    }
    Report {
        message: diagnostic.message.clone(),
        code: Some(diagnostic.code.as_str().to_owned()),
        severity,
        help: diagnostic.help.clone(),
        source,
        labels,
        related,
    }
}

/// How many diagnostics get miette's graphical report; the rest get one
/// line each. Thousands of framed reports help nobody, and each one scans
/// its file up to its span.
pub const GRAPHICAL_LIMIT: usize = 50;

/// Renders diagnostics as miette's graphical report, one after another:
/// the first [`GRAPHICAL_LIMIT`] in full, any others one line each.
pub fn human(diagnostics: &Diagnostics, sources: &Sources, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_context_lines(1);
    let mut out = String::new();
    let total = diagnostics.iter().count();
    for (i, diagnostic) in diagnostics.iter().enumerate() {
        if i == GRAPHICAL_LIMIT {
            out.push_str(&format!(
                "… and {} more, one line each:\n",
                total - GRAPHICAL_LIMIT
            ));
        }
        if i >= GRAPHICAL_LIMIT {
            out.push_str(&plain(diagnostic, sources));
            continue;
        }
        let report = report(diagnostic, sources);
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String cannot fail for I/O reasons; fall back
            // to the plain message should miette reject a span.
            out.push_str(&plain(diagnostic, sources));
        }
        out.push('\n');
    }
    out
}

/// One line per diagnostic: `file:line:column: severity[code]: message`.
pub fn plain(diagnostic: &Diagnostic, sources: &Sources) -> String {
    let place = diagnostic
        .primary
        .as_ref()
        .map(|p| {
            let file = sources.get(p.loc.file);
            format!("{}:{}:{}: ", file.name, p.loc.line, p.loc.column)
        })
        .unwrap_or_default();
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "{place}{severity}[{}]: {}\n",
        diagnostic.code, diagnostic.message
    )
}

/// A one-line summary: `2 errors, 1 warning`.
pub fn summary(diagnostics: &Diagnostics) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{}, {}",
        plural(diagnostics.error_count(), "error"),
        plural(diagnostics.warning_count(), "warning")
    )
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    file: &'a str,
    line: u64,
    column: u64,
    end_line: u64,
    end_column: u64,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    #[serde(flatten)]
    location: JsonLocation<'a>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    location: Option<JsonLocation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

fn json_location<'a>(loc: Loc, sources: &'a Sources) -> JsonLocation<'a> {
    let file = sources.get(loc.file);
    let (end_line, end_column) = file.line_column(loc.offset + loc.len);
    JsonLocation {
        file: &file.name,
        line: loc.line,
        column: loc.column,
        end_line,
        end_column,
    }
}

/// The diagnostics of one or more desired states as JSON values.
pub fn json_items(diagnostics: &Diagnostics, sources: &Sources) -> Vec<serde_json::Value> {
    diagnostics
        .iter()
        .map(|d| {
            let item = JsonDiagnostic {
                code: d.code.as_str(),
                severity: d.severity,
                message: &d.message,
                location: d.primary.as_ref().map(|p| json_location(p.loc, sources)),
                help: d.help.as_deref(),
                related: d
                    .related
                    .iter()
                    .map(|r| JsonRelated {
                        message: &r.text,
                        location: json_location(r.loc, sources),
                    })
                    .collect(),
            };
            serde_json::to_value(item).expect("diagnostics always serialize")
        })
        .collect()
}

#[cfg(test)]
mod limit_tests {
    use super::*;
    use crate::config::diagnostic::{Code, Diagnostic};
    use crate::config::source::SourceFile;

    #[test]
    fn past_the_limit_diagnostics_take_one_line_each() {
        let text: String = (0..60).map(|i| format!("id: x{i}\n")).collect();
        let mut sources = Sources::default();
        let file = sources.add(SourceFile::new("big.yaml".to_owned(), text.as_str()));
        let mut diagnostics = Diagnostics::default();
        let mut offset = 0;
        for i in 0..60 {
            let loc = sources.get(file).loc_of_range(file, offset + 4, 2);
            offset += format!("id: x{i}\n").len();
            diagnostics.push(Diagnostic::new(
                Code::BlankValue,
                loc,
                format!("problem {i}"),
            ));
        }
        let out = human(
            &diagnostics,
            &sources,
            Style {
                color: false,
                width: 100,
            },
        );
        assert_eq!(out.matches("╭─[big.yaml:").count(), GRAPHICAL_LIMIT);
        assert!(out.contains("… and 10 more, one line each:\n"), "{out}");
        assert!(
            out.contains("big.yaml:60:5: error[blank-value]: problem 59\n"),
            "{out}"
        );
    }
}
