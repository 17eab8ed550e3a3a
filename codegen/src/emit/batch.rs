//! Batch glue: the event enum of a multi-list batch and the runtime's
//! `Batch` trait implementation (count, push, split), emitted into the
//! batch type's model file.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_lines;
use super::rust::ident;
use crate::ir::BatchDef;

/// The tokens appended to the file of `batch.type_name`.
pub fn batch_items(batch: &BatchDef) -> TokenStream {
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
        (
            quote!(self.#field.get_or_insert_with(Vec::new).push(event);),
            quote!(self.#field.unwrap_or_default()),
        )
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
    let froms = batch.lists.iter().filter(|l| batch.lists.iter().filter(|o| o.element == l.element).count() == 1).map(|l| {
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
        pub enum #event_ty {
            #(#variants)*
        }

        #(#froms)*
    }
}
