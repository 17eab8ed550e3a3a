//! `Validate` impls: the checks a value must pass before it is sent, one
//! per constrained field, plus a call into every nested value that has
//! checks of its own. The runtime's `validate` module does the checking.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::rust::ident;
use crate::ir::{Constraints, Field, TypeRef};

/// `impl crate::Validate for <name>`, or nothing when no field has checks.
pub fn validate_impl(name: &str, fields: &[Field], validated: &BTreeSet<String>) -> TokenStream {
    let checks: Vec<TokenStream> = fields.iter().filter_map(|f| field_checks(name, f, validated)).collect();
    if checks.is_empty() {
        return TokenStream::new();
    }
    let ty = ident(name);
    quote! {
        impl crate::Validate for #ty {
            fn validate(&self) -> Result<(), crate::Error> {
                #(#checks)*
                Ok(())
            }
        }
    }
}

/// Whether a `Validate` impl would check anything for these fields.
pub fn has_checks(fields: &[Field], validated: &BTreeSet<String>) -> bool {
    fields.iter().any(|f| f.constraints.is_checked() || nested(&f.ty, validated))
}

fn nested(ty: &TypeRef, validated: &BTreeSet<String>) -> bool {
    ty.named().is_some_and(|n| validated.contains(n))
}

fn field_checks(owner: &str, field: &Field, validated: &BTreeSet<String>) -> Option<TokenStream> {
    let what = format!("{owner}.{}", field.wire_name);
    let c = &field.constraints;
    let mut checks = own_checks(&what, &field.ty, c);
    if nested(&field.ty, validated) {
        checks.push(match &field.ty {
            TypeRef::List(_) => quote!(for item in value {
                crate::Validate::validate(item)?;
            }),
            TypeRef::Map(_) => quote!(for item in value.values() {
                crate::Validate::validate(item)?;
            }),
            _ if field.boxed => quote!(crate::Validate::validate(&**value)?;),
            _ => quote!(crate::Validate::validate(value)?;),
        });
    }
    if checks.is_empty() {
        return None;
    }
    let fname = ident(&field.name);
    Some(if field.required {
        quote!({ let value = &self.#fname; #(#checks)* })
    } else {
        quote!(if let Some(value) = &self.#fname { #(#checks)* })
    })
}

fn own_checks(what: &str, ty: &TypeRef, c: &Constraints) -> Vec<TokenStream> {
    let opt = |v: Option<usize>| match v.map(Literal::usize_unsuffixed) {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    };
    let optf = |v: Option<f64>| match v.filter(|n| n.is_finite()).map(Literal::f64_unsuffixed) {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    };
    let mut checks = Vec::new();
    match ty {
        TypeRef::String if c.min_length.is_some() || c.max_length.is_some() => {
            let (min, max) = (opt(c.min_length), opt(c.max_length));
            checks.push(quote!(crate::validate::length(#what, value, #min, #max)?;));
        }
        TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 if c.minimum.is_some() || c.maximum.is_some() => {
            let (min, max) = (optf(c.minimum), optf(c.maximum));
            let (emin, emax) = (c.exclusive_minimum, c.exclusive_maximum);
            let number = match ty {
                TypeRef::F64 => quote!(*value),
                TypeRef::I64 => quote!(*value as f64),
                _ => quote!(f64::from(*value)),
            };
            checks.push(quote! {
                crate::validate::range(#what, #number, crate::validate::Range {
                    minimum: #min, maximum: #max, exclusive_minimum: #emin, exclusive_maximum: #emax,
                })?;
            });
        }
        TypeRef::List(_) => {
            if c.min_items.is_some() || c.max_items.is_some() {
                let (min, max) = (opt(c.min_items), opt(c.max_items));
                checks.push(quote!(crate::validate::items(#what, value.len(), #min, #max)?;));
            }
            if c.unique_items {
                checks.push(quote!(crate::validate::unique(#what, value)?;));
            }
        }
        _ => {}
    }
    checks
}
