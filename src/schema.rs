//! JSON Schemas generated from the types: the desired-state format (from
//! the `Raw*` types) and the plan document (from [`PlanDocument`]).

use crate::config::raw::RawFile;
use crate::plan::document::PlanDocument;

/// The JSON Schema (draft 2020-12) of the configuration format,
/// pretty-printed with a trailing newline.
pub fn json_schema() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<RawFile>();
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    text.push('\n');
    text
}

/// The JSON Schema (draft 2020-12) of the document `plan --format json`
/// prints, pretty-printed with a trailing newline. Fields may be added
/// within a `format_version`, so it does not forbid unknown ones.
pub fn plan_schema() -> String {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<PlanDocument>();
    schema.insert(
        "title".to_owned(),
        format!(
            "camunda-access plan document, format_version {}",
            crate::plan::document::PLAN_FORMAT_VERSION
        )
        .into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    text.push('\n');
    text
}
