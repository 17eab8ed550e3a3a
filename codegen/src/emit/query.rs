//! Query parameter structs: one per operation with query parameters, built
//! like a model (`new(required…)` plus `with_<param>` setters), with
//! `to_pairs` giving the key/value pairs (required values first, then the
//! others, each group in spec order; a list repeats its key, an unset
//! optional parameter is left out).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_lines, spec_docs};
use super::model::{constructor, field_type};
use super::rust::ident;
use crate::ir::{Operation, QueryDef, TypeDef, TypeKind, TypeRef};

/// The struct holding `op`'s query parameters, for the API named `api`.
pub fn query_struct(api: &str, op: &Operation, query: &QueryDef) -> TokenStream {
    let validate = super::validate::validate_impl(&query.name, &query.fields, &Default::default());
    let name = ident(&query.name);
    let docs = doc_lines(&format!("Query parameters of [`{api}::{0}`]({api}::{0}).", op.fn_name));
    let fields = query.fields.iter().map(|f| {
        let docs = match f.docs.as_deref() {
            Some(_) => spec_docs(f.docs.as_deref()),
            None => doc_lines(&format!("The `{}` query parameter.", f.wire_name)),
        };
        let fname = ident(&f.name);
        let ty = field_type(f);
        quote!(#docs pub #fname: #ty,)
    });
    // Required single values start the list; lists and optional values
    // follow, each group in spec order.
    let is_single = |f: &&crate::ir::Field| f.required && !matches!(f.ty, TypeRef::List(_));
    let singles = query.fields.iter().filter(is_single).map(|f| {
        let (fname, wire) = (ident(&f.name), &f.wire_name);
        quote!((#wire, self.#fname.to_string()))
    });
    let others: Vec<TokenStream> = query
        .fields
        .iter()
        .filter(|f| !is_single(f))
        .map(|f| {
            let (fname, wire) = (ident(&f.name), &f.wire_name);
            match (&f.ty, f.required) {
                (TypeRef::List(_), true) => quote!(pairs.extend(self.#fname.iter().map(|v| (#wire, v.to_string())));),
                (TypeRef::List(_), false) => {
                    quote!(pairs.extend(self.#fname.iter().flatten().map(|v| (#wire, v.to_string())));)
                }
                _ => quote!(if let Some(v) = &self.#fname { pairs.push((#wire, v.to_string())); }),
            }
        })
        .collect();
    let pairs_body = if others.is_empty() {
        quote!(vec![#(#singles),*])
    } else {
        quote! {
            let mut pairs = vec![#(#singles),*];
            #(#others)*
            pairs
        }
    };
    let no_required = query.fields.iter().all(|f| !f.required);
    let default = no_required.then(|| quote!(Default,));
    let def = TypeDef {
        name: query.name.clone(),
        pointer: String::new(),
        docs: None,
        kind: TypeKind::Struct(query.fields.clone()),
        inline: Vec::new(),
    };
    let constructor = constructor(&def, &query.fields, no_required);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #name { #(#fields)* }

        #constructor

        impl #name {
            /// The query pairs: required values first, then the others
            /// (a list repeats its key; unset values are left out).
            pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
                #pairs_body
            }
        }

        #validate
    }
}
