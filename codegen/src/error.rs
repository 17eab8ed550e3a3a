//! Errors reported by the code generator.
//!
//! Every error says *where* the problem is: a file position for input that
//! does not parse, or a JSON pointer into the spec (for example
//! `#/components/schemas/Foo/properties/bar`) for input that parses but cannot
//! be compiled. The generator never panics on bad input; it returns one of
//! these instead.

use std::fmt;
use std::path::PathBuf;

/// Result alias used throughout the code generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something the code generator could not do, with the place it happened.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec file could not be read from disk.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The spec file is not valid YAML/JSON, or not an OpenAPI 3.0 document.
    #[error("{file}{location}: {message}")]
    Parse {
        /// The file (or label) that failed to parse.
        file: String,
        /// Line and column, when the parser reports them.
        location: Location,
        /// What the parser said.
        message: String,
    },
    /// The document parsed but uses something the generator cannot compile.
    #[error("{pointer}: {message}")]
    Spec {
        /// JSON pointer to the offending part of the spec.
        pointer: String,
        /// What is wrong or unsupported there.
        message: String,
    },
    /// Generated code did not parse as Rust: a bug in the generator, reported
    /// instead of panicking.
    #[error("internal error while emitting {file}: {message}")]
    Emit {
        /// The output file being emitted.
        file: String,
        /// The syntax error.
        message: String,
    },
}

impl Error {
    /// Builds a [`Error::Spec`] for the spec node at `pointer`.
    pub fn spec(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Spec { pointer: pointer.into(), message: message.into() }
    }
}

/// A position in a source file (1-based), when known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Location {
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column, if known.
    pub column: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, ":{line}:{column}"),
            (Some(line), None) => write!(f, ":{line}"),
            _ => Ok(()),
        }
    }
}

/// Escapes one segment of a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Appends `segment` (escaped) to `pointer`.
pub fn join(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", pointer_segment(segment))
}
