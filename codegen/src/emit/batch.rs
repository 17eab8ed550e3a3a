//! Batch glue: the event enum of a multi-list batch, the runtime's `Batch`
//! trait implementation (count, push, split) and `StrFields` for the event
//! types (string properties by wire name, which the runtime's publisher
//! uses to find event ids and the entity an event belongs to), emitted into
//! the batch type's model file.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_lines;
use super::rust::ident;
use crate::ir::{BatchDef, BatchList};

/// The tokens appended to the file of `batch.type_name`. `done` holds the
/// element types that already got their `StrFields` impl (an element type
/// may appear in several batches).
pub fn batch_items(batch: &BatchDef, done: &mut BTreeSet<String>) -> TokenStream {
    let str_fields = batch.lists.iter().filter(|l| done.insert(l.element.clone())).map(str_fields_impl);
    let batch_ty = ident(&batch.type_name);
    let event_ty = ident(&batch.event_type);
    let single = batch.lists.len() == 1;
    let enum_def = (!single).then(|| event_enum(batch));
    let counts = batch.lists.iter().map(|l| {
        let field = ident(&l.field);
        quote!(self.#field.as_ref().map_or(0, Vec::len))
    });
    let (push, split) = if single {
        let field = ident(&batch.lists[0].field);
        (quote!(self.#field.get_or_insert_with(Vec::new).push(event);), quote!(self.#field.unwrap_or_default()))
    } else {
        let arms = batch.lists.iter().map(|l| {
            let field = ident(&l.field);
            let variant = ident(&l.variant);
            quote!(#event_ty::#variant(event) => self.#field.get_or_insert_with(Vec::new).push(event),)
        });
        let extends = batch.lists.iter().map(|l| {
            let field = ident(&l.field);
            let variant = ident(&l.variant);
            quote!(events.extend(self.#field.into_iter().flatten().map(#event_ty::#variant));)
        });
        (
            quote!(match event { #(#arms)* }),
            quote! {
                let mut events = Vec::with_capacity(crate::Batch::event_count(&self));
                #(#extends)*
                events
            },
        )
    };
    quote! {
        #enum_def
        #(#str_fields)*

        impl crate::Batch for #batch_ty {
            type Event = #event_ty;

            fn event_count(&self) -> usize {
                [#(#counts),*].iter().sum()
            }

            fn push(&mut self, event: #event_ty) {
                #push
            }

            fn into_events(self) -> Vec<#event_ty> {
                #split
            }
        }
    }
}

fn event_enum(batch: &BatchDef) -> TokenStream {
    let event_ty = ident(&batch.event_type);
    let docs = doc_lines(&format!(
        "One event of a [`{0}`]: a variant per event list of the batch.\n\n\
         `From` conversions exist for each event type, so `event.into()` works.",
        batch.type_name
    ));
    let variants = batch.lists.iter().map(|l| {
        let variant = ident(&l.variant);
        let element = ident(&l.element);
        let docs = doc_lines(&format!("An event for [`{0}`]({1}::{0}).", l.field, batch.type_name));
        quote!(#docs #variant(#element),)
    });
    let arms = batch.lists.iter().map(|l| {
        let variant = ident(&l.variant);
        quote!(Self::#variant(event) => event.str_field(wire_name),)
    });
    let froms =
        batch.lists.iter().filter(|l| batch.lists.iter().filter(|o| o.element == l.element).count() == 1).map(|l| {
            let variant = ident(&l.variant);
            let element = ident(&l.element);
            quote! {
                impl From<#element> for #event_ty {
                    fn from(event: #element) -> Self {
                        Self::#variant(event)
                    }
                }
            }
        });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        // Events move into batch lists by value; boxing the big ones would
        // cost an allocation per event for no gain.
        #[allow(clippy::large_enum_variant)]
        pub enum #event_ty {
            #(#variants)*
        }

        #(#froms)*

        impl crate::StrFields for #event_ty {
            fn str_field(&self, wire_name: &str) -> Option<&str> {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

fn str_fields_impl(list: &BatchList) -> TokenStream {
    let element = ident(&list.element);
    let arms = list.string_fields.iter().map(|(wire, field, required)| {
        let field = ident(field);
        if *required {
            quote!(#wire => Some(&self.#field),)
        } else {
            quote!(#wire => self.#field.as_deref(),)
        }
    });
    quote! {
        impl crate::StrFields for #element {
            fn str_field(&self, wire_name: &str) -> Option<&str> {
                match wire_name {
                    #(#arms)*
                    _ => None,
                }
            }
        }
    }
}
