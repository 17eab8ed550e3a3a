//! Model files: one file per named schema, holding its struct, enum or alias
//! and the inline types declared inside it.
//!
//! Structs get `new(required…)` plus one `with_<field>` setter per optional
//! field, and are `#[non_exhaustive]`, so a value can only be built through
//! `new` (forgetting a required field does not compile) and a field added to
//! the API later is not a breaking change. Optional fields are `Option<T>`
//! and are left out of the JSON when `None`; `Some(vec![])` is sent as `[]`.
//! Enums keep values they do not know in `Unknown(String)`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_lines, first_sentence, spec_docs};
use super::rust::{ident, type_tokens, Uses};
use super::validate::validate_impl;
use crate::ir::{Field, TypeDef, TypeKind, TypeRef, Variant};
use crate::naming;

/// Constructors with more parameters than this get clippy's
/// `too_many_arguments` lint allowed on them: the spec decides how many
/// fields are required.
const CLIPPY_MAX_ARGS: usize = 7;

/// The tokens of the file holding `def`; types in `validated` get a
/// `Validate` impl.
pub fn model_file(def: &TypeDef, validated: &BTreeSet<String>) -> TokenStream {
    let all: Vec<&TypeDef> = std::iter::once(def).chain(&def.inline).collect();
    let defined: BTreeSet<&str> = all.iter().map(|d| d.name.as_str()).collect();
    let mut uses = Uses::default();
    let mut siblings = BTreeSet::new();
    let mut serde = false;
    for d in &all {
        let types: Vec<&TypeRef> = match &d.kind {
            TypeKind::Struct(fields) => {
                serde = true;
                fields.iter().map(|f| &f.ty).collect()
            }
            TypeKind::Alias(ty) => vec![ty],
            TypeKind::Enum(_) => Vec::new(),
        };
        for ty in types {
            uses.add(ty);
            siblings.extend(ty.named().filter(|n| !defined.contains(n)));
        }
    }
    let serde_use = serde.then(|| {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    });
    let sibling_use = (!siblings.is_empty()).then(|| {
        let names = siblings.iter().map(|n| ident(n));
        quote!(use super::{ #(#names),* };)
    });
    let uses = uses.items();
    let items = all.iter().map(|d| {
        let validate = match &d.kind {
            TypeKind::Struct(fields) if validated.contains(&d.name) => validate_impl(&d.name, fields, validated),
            _ => TokenStream::new(),
        };
        let def = type_def(d);
        quote!(#def #validate)
    });
    quote! {
        #serde_use
        #uses
        #sibling_use
        #(#items)*
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(fields) => struct_def(def, fields),
        TypeKind::Enum(variants) => {
            let docs = match def.docs.as_deref() {
                Some(_) => spec_docs(def.docs.as_deref()),
                None => doc_lines(&format!("The values of `{}`.", spec_path(&def.pointer))),
            };
            enum_def(&def.name, docs, variants)
        }
        TypeKind::Alias(ty) => {
            let docs = match def.docs.as_deref() {
                Some(_) => spec_docs(def.docs.as_deref()),
                None => doc_lines(&format!("The `{}` schema.", def.pointer.rsplit('/').next().unwrap_or_default())),
            };
            let name = ident(&def.name);
            let ty = type_tokens(ty);
            quote! { #docs pub type #name = #ty; }
        }
    }
}

/// A readable name for the schema at `pointer`: `#/components/schemas/A/properties/b`
/// becomes `A.b`.
fn spec_path(pointer: &str) -> String {
    let path = pointer.strip_prefix("#/components/schemas/").unwrap_or(pointer);
    path.replace("/properties/", ".").replace("~1", "/").replace("~0", "~")
}

pub(super) fn field_type(field: &Field) -> TokenStream {
    let ty = type_tokens(&field.ty);
    let ty = if field.boxed { quote!(Box<#ty>) } else { ty };
    if field.required {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

fn struct_def(def: &TypeDef, fields: &[Field]) -> TokenStream {
    let name = ident(&def.name);
    let docs = match def.docs.as_deref() {
        Some(_) => spec_docs(def.docs.as_deref()),
        None => doc_lines(&format!("The `{}` model.", def.name)),
    };
    let camel_case = fields.iter().all(|f| naming::serde_camel(&f.name) == f.wire_name);
    let rename_all = (camel_case && fields.iter().any(|f| f.name != f.wire_name))
        .then(|| quote!(#[serde(rename_all = "camelCase")]));
    let no_required = fields.iter().all(|f| !f.required);
    let default = no_required.then(|| quote!(Default,));
    let field_items = fields.iter().map(|f| {
        let docs = match f.docs.as_deref() {
            Some(_) => spec_docs(f.docs.as_deref()),
            None => doc_lines(&format!("The `{}` property.", f.wire_name)),
        };
        let fname = ident(&f.name);
        let wire = &f.wire_name;
        let rename = (!camel_case && f.name != f.wire_name).then(|| quote!(#[serde(rename = #wire)]));
        let skip = (!f.required).then(|| quote!(#[serde(skip_serializing_if = "Option::is_none")]));
        let ty = field_type(f);
        quote! { #docs #rename #skip pub #fname: #ty, }
    });
    let constructor = constructor(def, fields, no_required);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
        #[non_exhaustive]
        #rename_all
        pub struct #name { #(#field_items)* }
        #constructor
    }
}

/// `new(required…)` and `with_<field>` setters.
pub(super) fn constructor(def: &TypeDef, fields: &[Field], no_required: bool) -> TokenStream {
    let name = ident(&def.name);
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let params = required.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = param_type(f);
        quote!(#fname: #ty)
    });
    let inits = fields.iter().map(|f| {
        let fname = ident(&f.name);
        if !f.required {
            quote!(#fname: None)
        } else if needs_conversion(f) {
            let value = convert(f, quote!(#fname));
            quote!(#fname: #value)
        } else {
            quote!(#fname)
        }
    });
    let body = if no_required { quote!(Self::default()) } else { quote!(Self { #(#inits),* }) };
    let new_docs = doc_lines(&if no_required {
        format!("Creates an empty `{}`: every field is optional and starts as `None`.", def.name)
    } else {
        format!("Creates a `{}` from its required fields; optional fields start as `None`.", def.name)
    });
    let allow = (required.len() > CLIPPY_MAX_ARGS).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let setters = fields.iter().filter(|f| !f.required).map(|f| {
        let fname = ident(&f.name);
        let setter = format_ident!("with_{}", f.name.trim_start_matches("r#"));
        let summary = f.docs.as_deref().map(|d| super::docs::sanitize(first_sentence(d))).unwrap_or_default();
        let field_ref = match f.name.strip_prefix("r#") {
            Some(raw) => format!("`{raw}`"),
            None => format!("[`{0}`](Self::{0})", f.name),
        };
        let docs = doc_lines(format!("Sets {field_ref}. {summary}").trim_end());
        let ty = param_type(f);
        let value = convert(f, quote!(value));
        quote! {
            #docs
            pub fn #setter(mut self, value: #ty) -> Self {
                self.#fname = Some(#value);
                self
            }
        }
    });
    quote! {
        impl #name {
            #new_docs
            #allow
            pub fn new(#(#params),*) -> Self { #body }
            #(#setters)*
        }
    }
}

/// Parameter type in constructors and setters: strings and date-times are
/// taken as `impl Into<…>` so literals and `OffsetDateTime`s work directly.
fn param_type(field: &Field) -> TokenStream {
    let ty = type_tokens(&field.ty);
    match field.ty {
        TypeRef::String | TypeRef::DateTime => quote!(impl Into<#ty>),
        _ => ty,
    }
}

fn needs_conversion(field: &Field) -> bool {
    field.boxed || matches!(field.ty, TypeRef::String | TypeRef::DateTime)
}

fn convert(field: &Field, value: TokenStream) -> TokenStream {
    let value = match field.ty {
        TypeRef::String | TypeRef::DateTime => quote!(#value.into()),
        _ => value,
    };
    if field.boxed {
        quote!(Box::new(#value))
    } else {
        value
    }
}

/// A string enum with a catch-all variant; the trait glue (`Display`,
/// `FromStr`, serde) comes from the runtime's `string_enum!` macro.
pub fn enum_def(name: &str, docs: TokenStream, variants: &[Variant]) -> TokenStream {
    let name = ident(name);
    let defs = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let docs = match v.docs.as_deref() {
            Some(text) => spec_docs(Some(&format!("`{}`: {text}", v.wire))),
            None => doc_lines(&format!("`{}`", v.wire)),
        };
        quote!(#docs #vname,)
    });
    let as_str = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#vname => #wire,)
    });
    let from = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote!(#wire => Self::#vname,)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
            /// A value this version of the SDK does not know, kept verbatim so
            /// it is sent back unchanged.
            Unknown(String),
        }

        impl #name {
            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from)*
                    _ => Self::Unknown(value),
                }
            }
        }

        crate::string_enum!(#name);
    }
}
