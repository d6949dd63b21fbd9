//! `Settings`: the environment, read once.

use std::io::IsTerminal;

use crate::cli::ColorChoice;
use crate::config::Variables;

/// What the environment says, read in one place.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether diagnostics on stderr are coloured.
    pub color: bool,
    /// Environment variables for `${env:…}` in configuration files.
    pub variables: Variables,
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env(color: ColorChoice) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stderr().is_terminal(),
        };
        // Variables that are not valid UTF-8 cannot appear in YAML values.
        let variables = Variables::new(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        );
        Settings { color, variables }
    }
}
