//! Stage 1, *load*: spec text (YAML or JSON) → [`openapiv3::OpenAPI`].

use std::path::Path;

use openapiv3::OpenAPI;

use crate::error::{Error, Location, Result};

/// Reads and parses the spec at `path`.
pub fn load_file(path: &Path) -> Result<OpenAPI> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    load_str(&text, &path.display().to_string())
}

/// Parses spec `text`; `file` names it in error messages.
///
/// JSON is accepted as well as YAML (JSON documents are parsed with
/// `serde_json` so that error positions are exact).
pub fn load_str(text: &str, file: &str) -> Result<OpenAPI> {
    let looks_like_json = text.trim_start().starts_with('{');
    if looks_like_json {
        serde_json::from_str(text).map_err(|e| Error::Parse {
            file: file.to_owned(),
            location: Location { line: Some(e.line()), column: Some(e.column()) },
            message: strip_position(&e.to_string()),
        })
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let location =
                e.location().map(|l| Location { line: Some(l.line()), column: Some(l.column()) }).unwrap_or_default();
            Error::Parse { file: file.to_owned(), location, message: strip_position(&e.to_string()) }
        })
    }
}

/// Removes the parser's own " at line X column Y" suffix, since the location
/// is reported separately.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
