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
/// `serde_json` so that error positions are exact). A Swagger 2.0 document
/// (top-level `swagger` key) is converted to OpenAPI 3.0 by
/// [`crate::swagger2`].
pub fn load_str(text: &str, file: &str) -> Result<OpenAPI> {
    if let Some(swagger) = crate::swagger2::detect(text) {
        return crate::swagger2::convert(&swagger);
    }
    let looks_like_json = text.trim_start().starts_with('{');
    if looks_like_json {
        serde_json::from_str(text).map_err(|e| Error::Parse {
            file: file.to_owned(),
            location: Location { line: Some(e.line()), column: Some(e.column()) },
            message: strip_position(&e.to_string()),
        })
    } else {
        serde_yaml::from_str(text).map_err(|e| yaml_error(&e, text, file))
    }
}

/// A YAML parse error with its position. `serde_yaml` gives none when the
/// text holds more than one document; the line of the marker (`---` or
/// `...`) that ends the first one is reported then.
pub(crate) fn yaml_error(e: &serde_yaml::Error, text: &str, file: &str) -> Error {
    let message = strip_position(&e.to_string());
    let location = match e.location() {
        Some(l) => Location { line: Some(l.line()), column: Some(l.column()) },
        None if message.contains("more than one document") => Location { line: second_document(text), column: Some(1) },
        None => Location::default(),
    };
    Error::Parse { file: file.to_owned(), location, message }
}

/// The 1-based line of the first document marker that follows content.
fn second_document(text: &str) -> Option<usize> {
    let mut content = false;
    for (i, line) in text.lines().enumerate() {
        let marker = ["---", "..."]
            .iter()
            .any(|m| line == *m || line.strip_prefix(m).is_some_and(|r| r.starts_with([' ', '\t'])));
        if marker && content {
            return Some(i + 1);
        }
        let trimmed = line.trim_start();
        content |= !marker && !trimmed.is_empty() && !trimmed.starts_with(['#', '%']);
    }
    None
}

/// Removes the parser's own " at line X column Y" suffix, since the location
/// is reported separately.
pub(crate) fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
