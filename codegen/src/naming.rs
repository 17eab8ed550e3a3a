//! Naming rules: spec names → Rust identifiers.
//!
//! * **Types** are `UpperCamelCase` of the schema name (heck). Inline types
//!   (an enum or object declared inside a property) are named after their
//!   owner and the property: the inline enum of `UserRoutingStatusEvent.status`
//!   is `UserRoutingStatusEventStatus`; array items add `Item`, map values add
//!   `Value`.
//! * **Fields and methods** are `snake_case`; a Rust keyword becomes a raw
//!   identifier (`type` → `r#type`), except the few that cannot be raw
//!   (`self`, `super`, `crate`, `Self`), which get a trailing `_`.
//! * **Enum variants** are `UpperCamelCase` of the wire value
//!   (`web.deployments` → `WebDeployments`); a value with no letters or digits
//!   becomes `Value<n>` (its position), one starting with a digit gets a `V`
//!   prefix, and a value that would be named `Unknown` becomes `UnknownValue`
//!   because `Unknown(String)` is the catch-all (`Self` likewise becomes
//!   `SelfValue`).
//! * **Collisions** are resolved in spec order: the first claimant keeps the
//!   name, later ones get `2`, `3`, … appended. Type names used by the
//!   generated code itself ([`RESERVED_TYPES`]) get a `Model` suffix.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Type names the generated code imports, so schemas cannot take them.
pub const RESERVED_TYPES: &[&str] = &[
    "ApiResponse",
    "BTreeMap",
    "Box",
    "Client",
    "DateTime",
    "Deserialize",
    "Error",
    "ErrorCode",
    "Method",
    "Option",
    "Result",
    "Self",
    "Serialize",
    "String",
    "Value",
    "Vec",
];

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Keeps only characters valid in identifiers, turning the rest into word
/// breaks so heck splits on them.
fn words(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// `UpperCamelCase` name for a type or variant, possibly empty.
pub fn camel(name: &str) -> String {
    words(name).to_upper_camel_case()
}

/// `snake_case` identifier for a field or method, made a valid identifier.
pub fn snake_ident(name: &str) -> String {
    let mut ident = words(name).to_snake_case();
    if ident.is_empty() {
        ident = "field".to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, "n_");
    }
    if NOT_RAW.contains(&ident.as_str()) {
        ident.push('_');
    } else if KEYWORDS.contains(&ident.as_str()) {
        ident.insert_str(0, "r#");
    }
    ident
}

/// The name serde's `rename_all = "camelCase"` would give the Rust field
/// `ident` on the wire.
pub fn serde_camel(ident: &str) -> String {
    let ident = ident.strip_prefix("r#").unwrap_or(ident);
    let mut out = String::with_capacity(ident.len());
    let mut upper = false;
    for c in ident.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A set of names already taken in one namespace (crate-level types, the
/// fields of one struct, the variants of one enum, …).
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace { taken: reserved.iter().map(|s| (*s).to_owned()).collect() }
    }

    /// Claims `wanted`, or `wanted2`, `wanted3`, … if it is taken.
    pub fn claim(&mut self, wanted: &str) -> String {
        let mut name = wanted.to_owned();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// Rust type name for a schema or inline type (before collision handling).
pub fn type_name(name: &str) -> String {
    let mut camel = camel(name);
    if camel.is_empty() {
        camel = "Unnamed".to_owned();
    }
    if camel.starts_with(|c: char| c.is_ascii_digit()) {
        camel.insert(0, 'T');
    }
    if RESERVED_TYPES.contains(&camel.as_str()) {
        camel.push_str("Model");
    }
    camel
}

/// Rust variant name for the enum value at `index` (before collision
/// handling).
pub fn variant_name(wire: &str, index: usize) -> String {
    let camel = camel(wire);
    if camel.is_empty() {
        format!("Value{index}")
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{camel}")
    } else if camel == "Unknown" || camel == "Self" {
        format!("{camel}Value")
    } else {
        camel
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_follow_the_documented_rules() {
        assert_eq!(snake_ident("eventDateTime"), "event_date_time");
        assert_eq!(snake_ident("type"), "r#type");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("2fa"), "n_2fa");
        assert_eq!(snake_ident("$"), "field");
        assert_eq!(type_name("DateTime"), "DateTimeModel");
        assert_eq!(type_name("3dThing"), "T3dThing");
        assert_eq!(variant_name("web.deployments", 0), "WebDeployments");
        assert_eq!(variant_name("*", 3), "Value3");
        assert_eq!(variant_name("Unknown", 0), "UnknownValue");
        assert_eq!(variant_name("1st", 0), "V1st");
        assert_eq!(serde_camel("r#event_date_time"), "eventDateTime");
    }

    #[test]
    fn collisions_get_numbered_in_claim_order() {
        let mut ns = Namespace::with_reserved(&["Taken"]);
        assert_eq!(ns.claim("Taken"), "Taken2");
        assert_eq!(ns.claim("Free"), "Free");
        assert_eq!(ns.claim("Free"), "Free2");
        assert_eq!(ns.claim("Free"), "Free3");
    }
}
