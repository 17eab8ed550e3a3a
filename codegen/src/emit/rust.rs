//! Small helpers shared by the emitters: identifiers, type paths, and
//! turning tokens into a formatted file.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::error::{Error, Result};
use crate::ir::TypeRef;

/// An identifier token; `r#name` becomes a raw identifier.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The Rust type for `ty`, using the short names the file imports.
pub fn type_tokens(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::DateTime => quote!(DateTime),
        TypeRef::Json => quote!(Value),
        TypeRef::Bytes => quote!(Vec<u8>),
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#name)
        }
        TypeRef::List(inner) => {
            let inner = type_tokens(inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner);
            quote!(BTreeMap<String, #inner>)
        }
    }
}

/// Which runtime and library names a piece of code uses, so a file imports
/// exactly those.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Uses {
    /// `DateTime` from the runtime.
    pub date_time: bool,
    /// `BTreeMap`.
    pub map: bool,
    /// `serde_json::Value`.
    pub json: bool,
}

impl Uses {
    /// Records what `ty` needs.
    pub fn add(&mut self, ty: &TypeRef) {
        match ty {
            TypeRef::DateTime => self.date_time = true,
            TypeRef::Json => self.json = true,
            TypeRef::Map(inner) => {
                self.map = true;
                self.add(inner);
            }
            TypeRef::List(inner) => self.add(inner),
            _ => {}
        }
    }

    /// The `use` items for what was recorded.
    pub fn items(&self) -> TokenStream {
        let map = self.map.then(|| {
            quote!(
                use std::collections::BTreeMap;
            )
        });
        let json = self.json.then(|| {
            quote!(
                use serde_json::Value;
            )
        });
        let date_time = self.date_time.then(|| {
            quote!(
                use crate::DateTime;
            )
        });
        quote! { #map #json #date_time }
    }
}

/// Parses `tokens` as a file, pretty-prints it and prepends `header`.
pub fn render(file: &str, header: &str, tokens: TokenStream) -> Result<String> {
    let parsed: syn::File =
        syn::parse2(tokens).map_err(|e| Error::Emit { file: file.to_owned(), message: e.to_string() })?;
    Ok(format!("{header}\n{}", spaced(&prettyplease::unparse(&parsed))))
}

/// Adds the blank lines a person would put in (`prettyplease` packs items
/// together): between the module docs, the `use` block, the `mod` block and
/// each item, and between the members of an `impl`.
fn spaced(code: &str) -> String {
    #[derive(PartialEq, Clone, Copy)]
    enum Kind {
        Docs,
        Use,
        Mod,
        Item,
    }
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut prev_kind = None;
    let mut attached = false; // the previous top-level line was a doc comment or attribute
    let mut prev_line = "";
    for line in code.lines() {
        let top = !line.is_empty() && !line.starts_with([' ', '}', ')', ']']);
        let mut blank = false;
        if top && !attached {
            let kind = match line {
                l if l.starts_with("//!") || l.starts_with("#![") => Kind::Docs,
                l if l.starts_with("use ") => Kind::Use,
                l if l.starts_with("mod ") || l.starts_with("pub use ") => Kind::Mod,
                _ => Kind::Item,
            };
            blank = prev_kind.is_some_and(|p| p != kind || kind == Kind::Item);
            prev_kind = Some(kind);
        }
        if top {
            attached = line.starts_with("///") || line.starts_with("#[");
        }
        let member_start = line.starts_with("    ") && !line.starts_with("     ") && !line.starts_with("    }");
        if member_start && prev_line == "    }" {
            blank = true;
        }
        if blank && !prev_line.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        prev_line = line;
    }
    out
}
