//! Checks a request must pass before it is sent: the cheap constraints of
//! the spec (`minLength`/`maxLength`, `minItems`/`maxItems`, `uniqueItems`,
//! `minimum`/`maximum`). Generated types that carry such constraints
//! implement [`Validate`], and the generated API methods call it on bodies
//! and query parameters, so a request the API would refuse fails with
//! [`Error::InvalidRequest`] without a network call. Answers from the API
//! are never validated: what the server sends is kept as it is. `pattern`
//! is documented on the field but not checked (it would need a regex
//! engine in every user's build).
//!
//! The functions are public because generated code calls them; each names
//! the offending field (`Type.property`) in its error.

use crate::Error;

/// A value that can check the spec's constraints before it is sent.
pub trait Validate {
    /// Checks every constrained field, nested values included.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] naming the first field that fails.
    fn validate(&self) -> Result<(), Error>;
}

fn refuse(what: &str, why: String) -> Result<(), Error> {
    Err(Error::InvalidRequest(format!("{what}: {why}")))
}

/// Checks the length of a string, in characters.
///
/// # Errors
///
/// [`Error::InvalidRequest`] when the length is outside `min..=max`.
pub fn length(what: &str, value: &str, min: Option<usize>, max: Option<usize>) -> Result<(), Error> {
    let n = value.chars().count();
    match (min, max) {
        (Some(min), _) if n < min => refuse(what, format!("length {n} is below the minimum length {min}")),
        (_, Some(max)) if n > max => refuse(what, format!("length {n} is above the maximum length {max}")),
        _ => Ok(()),
    }
}

/// Checks the number of items of a list.
///
/// # Errors
///
/// [`Error::InvalidRequest`] when the count is outside `min..=max`.
pub fn items(what: &str, count: usize, min: Option<usize>, max: Option<usize>) -> Result<(), Error> {
    match (min, max) {
        (Some(min), _) if count < min => refuse(what, format!("{count} items, fewer than the minimum {min}")),
        (_, Some(max)) if count > max => refuse(what, format!("{count} items, more than the maximum {max}")),
        _ => Ok(()),
    }
}

/// Checks that no two items of a list are equal (`uniqueItems`).
///
/// # Errors
///
/// [`Error::InvalidRequest`] naming the position of the first repeat.
pub fn unique<T: PartialEq>(what: &str, values: &[T]) -> Result<(), Error> {
    for (i, value) in values.iter().enumerate() {
        if values[..i].contains(value) {
            return refuse(what, format!("item {i} repeats an earlier item, but items must be unique"));
        }
    }
    Ok(())
}

/// The bounds of a number (`minimum`, `maximum`, and whether each excludes
/// the bound itself).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Range {
    /// The lower bound.
    pub minimum: Option<f64>,
    /// The upper bound.
    pub maximum: Option<f64>,
    /// Whether the lower bound itself is excluded.
    pub exclusive_minimum: bool,
    /// Whether the upper bound itself is excluded.
    pub exclusive_maximum: bool,
}

/// Checks a number against its bounds.
///
/// # Errors
///
/// [`Error::InvalidRequest`] when the number is out of range.
pub fn range(what: &str, value: f64, range: Range) -> Result<(), Error> {
    if let Some(min) = range.minimum {
        if value < min || (range.exclusive_minimum && value == min) {
            let bound = if range.exclusive_minimum { "above" } else { "at least" };
            return refuse(what, format!("{value} is out of range: must be {bound} {min}"));
        }
    }
    if let Some(max) = range.maximum {
        if value > max || (range.exclusive_maximum && value == max) {
            let bound = if range.exclusive_maximum { "below" } else { "at most" };
            return refuse(what, format!("{value} is out of range: must be {bound} {max}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_refuses_what_the_spec_forbids_and_names_the_field() {
        assert!(length("A.name", "abc", Some(1), Some(3)).is_ok());
        let err = length("A.name", "", Some(1), None).unwrap_err().to_string();
        assert!(err.contains("A.name: length 0 is below the minimum length 1"), "{err}");
        assert!(length("A.name", "ééé", None, Some(3)).is_ok(), "characters, not bytes");
        assert!(items("A.ids", 101, None, Some(100)).is_err());
        assert!(unique("A.ids", &["a", "b", "a"]).is_err());
        assert!(unique("A.ids", &["a", "b"]).is_ok());
        let r = Range { minimum: Some(1.0), maximum: Some(100.0), ..Range::default() };
        assert!(range("Q.pageSize", 100.0, r).is_ok());
        assert!(range("Q.pageSize", 0.0, r).is_err());
        let exclusive = Range { exclusive_maximum: true, ..r };
        assert!(range("Q.pageSize", 100.0, exclusive).is_err());
    }
}
