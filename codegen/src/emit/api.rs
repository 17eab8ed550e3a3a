//! API files: one struct per tag with one `async` method per operation, plus
//! the `ErrorCode` enum built from every `x-inin-error-codes` entry.
//!
//! Each operation becomes two methods: `op(&self, body)` returning the
//! decoded success body, and `op_with_info(&self, body)` returning it inside
//! the runtime's `ApiResponse` (status, headers, correlation id). The HTTP
//! work is done by the runtime's `Client::send`; generated code only names
//! the method, the path and the types.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_lines, sanitize, spec_docs};
use super::model::enum_def;
use super::rust::{ident, type_tokens, Uses};
use crate::ir::{ApiGroup, BatchDef, ErrorCode, Media, Operation, TypeRef, Variant};

/// The tokens of the file holding `group`; `examples` holds one doctest
/// text per operation, in order.
pub fn api_file(
    group: &ApiGroup,
    examples: &[String],
    batches: &[BatchDef],
    validated: &BTreeSet<String>,
) -> TokenStream {
    let mut models = BTreeSet::new();
    let mut uses = Uses::default();
    for op in &group.operations {
        let params = op.path_params.iter().chain(op.query.iter().flat_map(|q| &q.fields)).map(|f| &f.ty);
        for ty in op.body.iter().map(|b| &b.ty).chain(op.success.as_ref()).chain(params) {
            uses.add(ty);
            models.extend(ty.named());
        }
    }
    let queries =
        group.operations.iter().filter_map(|op| Some(super::query::query_struct(&group.name, op, op.query.as_ref()?)));
    let model_use = (!models.is_empty()).then(|| {
        let names = models.iter().map(|n| ident(n));
        quote!(use crate::models::{ #(#names),* };)
    });
    let uses = uses.items();
    let name = ident(&group.name);
    let module_docs = format!(" Operations tagged `{}` in the spec.", group.tag);
    let docs = match group.docs.as_deref() {
        Some(text) if text.trim() != group.tag => spec_docs(Some(text)),
        _ => doc_lines(&format!("The `{}` operations of the API.", group.tag)),
    };
    let mut sent = BTreeSet::new();
    let send_impls: Vec<TokenStream> = group
        .operations
        .iter()
        .filter_map(|op| {
            let body = op.body.as_ref()?.ty.named()?;
            (batches.iter().any(|b| b.type_name == body) && sent.insert(body.to_owned()))
                .then(|| send_batch(group, op, body))
        })
        .collect();
    let methods = group.operations.iter().zip(examples).map(|(op, example)| {
        let is_batch =
            op.body.as_ref().and_then(|b| b.ty.named()).is_some_and(|n| batches.iter().any(|b| b.type_name == n));
        let checks = Checks {
            batch: is_batch,
            body: op.body.as_ref().map(|b| b.ty.clone()).filter(|t| t.named().is_some_and(|n| validated.contains(n))),
            query: op.query.as_ref().is_some_and(|q| super::validate::has_checks(&q.fields, validated)),
        };
        operation(op, example, checks)
    });
    quote! {
        #![doc = #module_docs]
        use reqwest::Method;
        #uses
        #model_use
        use crate::{ApiResponse, Client, Error};

        #docs
        ///
        /// Cloning is cheap: clones share the [`Client`] and its connection pool.
        #[derive(Debug, Clone)]
        pub struct #name {
            client: Client,
        }

        impl #name {
            /// Creates the API over `client`.
            pub fn new(client: Client) -> Self {
                Self { client }
            }

            /// The client this API sends requests with.
            pub fn client(&self) -> &Client {
                &self.client
            }

            #(#methods)*
        }

        #(#queries)*

        #(#send_impls)*
    }
}

/// `SendBatch` for a batch type: sends it with `op`.
fn send_batch(group: &ApiGroup, op: &Operation, body: &str) -> TokenStream {
    let api = ident(&group.name);
    let body = ident(body);
    let with_info = format_ident!("{}_with_info", op.fn_name.trim_start_matches("r#"));
    let success = op.success.as_ref().map_or_else(|| quote!(()), type_tokens);
    let docs = doc_lines(&format!("Sends the batch with [`{0}::{1}`].", group.name, op.fn_name));
    quote! {
        #docs
        impl crate::SendBatch for #body {
            type Response = #success;

            async fn send(client: &Client, batch: &Self) -> Result<ApiResponse<#success>, Error> {
                #api::new(client.clone()).#with_info(batch).await
            }
        }
    }
}

/// What an operation checks before sending.
struct Checks {
    /// The body is a batch: its size.
    batch: bool,
    /// The body's type when it (or its elements) implement `Validate`.
    body: Option<TypeRef>,
    /// The query struct implements `Validate`.
    query: bool,
}

fn operation(op: &Operation, example: &str, checks: Checks) -> TokenStream {
    let is_batch = checks.batch;
    let validates = checks.body.is_some() || checks.query;
    let fn_name = ident(&op.fn_name);
    let with_info = format_ident!("{}_with_info", op.fn_name.trim_start_matches("r#"));
    let method = ident(&op.method);
    let success = op.success.as_ref().map_or_else(|| quote!(()), type_tokens);
    let mut params = Vec::new();
    let mut args = Vec::new();
    for p in &op.path_params {
        let name = ident(&p.name);
        let ty = match &p.ty {
            TypeRef::String => quote!(&str),
            other => {
                let ty = type_tokens(other);
                quote!(&#ty)
            }
        };
        params.push(quote!(#name: #ty));
        args.push(quote!(#name));
    }
    if let Some(query) = &op.query {
        let ty = ident(&query.name);
        params.push(quote!(query: &#ty));
        args.push(quote!(query));
    }
    let body_arg = match &op.body {
        Some(body) => {
            let ty = match &body.media {
                Media::Json => type_tokens(&body.ty),
                Media::Text(_) => quote!(str),
                Media::Bytes(_) => quote!([u8]),
            };
            params.push(if body.required { quote!(body: &#ty) } else { quote!(body: Option<&#ty>) });
            args.push(quote!(body));
            if body.required {
                quote!(Some(body))
            } else {
                quote!(body)
            }
        }
        None => quote!(None::<&()>),
    };
    let raw = op.body.as_ref().is_some_and(|b| b.media != Media::Json) || op.success_media != Media::Json;
    let path = path_expr(op);
    let encode_path = op.path_params.iter().map(|p| {
        let name = ident(&p.name);
        quote!(let #name = crate::path_segment(#name);)
    });
    let query_arg = if op.query.is_some() { quote!(&query.to_pairs()) } else { quote!(&[]) };
    let batch_note = if is_batch {
        "\n\nThe batch is checked before sending: one with no event, or with more than \
         [`MAX_BATCH_SIZE`](crate::MAX_BATCH_SIZE), is refused with [`Error::InvalidRequest`] \
         without a network call."
    } else {
        ""
    };
    let check_note = if validates {
        "\n\nThe request is checked against the spec's constraints (lengths, item counts, ranges) before \
         sending; a violation is [`Error::InvalidRequest`] without a network call."
    } else {
        ""
    };
    let docs =
        doc_lines(&format!("{}{batch_note}{check_note}\n\n# Example\n\n```no_run\n{example}\n```", operation_docs(op)));
    let info_docs = doc_lines(&format!(
        "Like [`{0}`](Self::{0}), but also returns the response's status, headers and correlation id.\n\n\
         # Errors\n\nThe same as [`{0}`](Self::{0}).",
        op.fn_name
    ));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    // The deprecated method calls its deprecated `_with_info` twin.
    let allow_deprecated = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    let mut body_checks = Vec::new();
    if is_batch {
        body_checks.push(quote!(crate::Batch::check_size(body)?;));
    }
    match &checks.body {
        Some(TypeRef::List(_)) => body_checks.push(quote!(for item in body {
            crate::Validate::validate(item)?;
        })),
        Some(TypeRef::Map(_)) => body_checks.push(quote!(for item in body.values() {
            crate::Validate::validate(item)?;
        })),
        Some(_) => body_checks.push(quote!(crate::Validate::validate(body)?;)),
        None => {}
    }
    let body_check = (!body_checks.is_empty()).then(|| match op.body.as_ref().map(|b| b.required) {
        Some(true) => quote!(#(#body_checks)*),
        _ => quote!(if let Some(body) = body { #(#body_checks)* }),
    });
    let query_check = checks.query.then(|| quote!(crate::Validate::validate(query)?;));
    let call = if raw {
        raw_call(op, &method, &path, &query_arg)
    } else {
        quote!(self.client.send(Method::#method, #path, #query_arg, #body_arg).await)
    };
    let check = quote!(#query_check #body_check);
    quote! {
        #docs
        #deprecated
        #allow_deprecated
        pub async fn #fn_name(&self, #(#params),*) -> Result<#success, Error> {
            self.#with_info(#(#args),*).await.map(ApiResponse::into_body)
        }

        #info_docs
        #deprecated
        pub async fn #with_info(&self, #(#params),*) -> Result<ApiResponse<#success>, Error> {
            #check
            #(#encode_path)*
            #call
        }
    }
}

/// The call for an operation whose body or answer is not JSON: the body is
/// encoded here (`(media type, bytes)`), the runtime's `exchange` sends it,
/// and the answer is decoded by its media type.
fn raw_call(op: &Operation, method: &proc_macro2::Ident, path: &TokenStream, query: &TokenStream) -> TokenStream {
    let encode = |media: &Media, var: TokenStream| match media {
        Media::Json => quote!(("application/json", crate::client::json_body(#var)?)),
        Media::Text(m) => quote!((#m, #var.as_bytes().to_vec())),
        Media::Bytes(m) => quote!((#m, #var.to_vec())),
    };
    let body = match &op.body {
        Some(body) if body.required => {
            let encoded = encode(&body.media, quote!(body));
            quote!(Some(#encoded))
        }
        Some(body) => {
            let encoded = encode(&body.media, quote!(b));
            match &body.media {
                Media::Json => quote!(match body { Some(b) => Some(#encoded), None => None }),
                _ => quote!(body.map(|b| #encoded)),
            }
        }
        None => quote!(None),
    };
    let (accept, decode) = match &op.success_media {
        Media::Json => ("application/json", quote!(.into_json())),
        Media::Text(m) => (m.as_str(), quote!(.into_text())),
        Media::Bytes(m) => (m.as_str(), TokenStream::new()),
    };
    let exchange = quote!(self.client.exchange(Method::#method, #path, #query, #body, #accept).await);
    if decode.is_empty() {
        exchange
    } else {
        quote!(#exchange?#decode)
    }
}

/// The request path: the template itself, or a `format!` filling in the
/// percent-encoded path parameters.
fn path_expr(op: &Operation) -> TokenStream {
    if op.path_params.is_empty() {
        let path = &op.path;
        return quote!(#path);
    }
    // Path parameters are in template order; plain identifiers are captured
    // inline (`{user_id}`), raw ones (`r#type`) cannot be and are passed.
    let mut template = String::new();
    let mut passed = Vec::new();
    let mut rest = op.path.as_str();
    for p in &op.path_params {
        let Some((before, after)) = rest.split_once('{') else { break };
        template.push_str(&before.replace('}', "}}"));
        if p.name.starts_with("r#") {
            template.push_str("{}");
            passed.push(ident(&p.name));
        } else {
            template.push_str(&format!("{{{}}}", p.name));
        }
        rest = after.split_once('}').map_or("", |(_, tail)| tail);
    }
    template.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    quote!(&format!(#template #(, #passed)*))
}

/// The Markdown doc comment of an operation: summary, description, the
/// request it wraps, permissions, scopes and the documented errors.
pub fn operation_docs(op: &Operation) -> String {
    let mut out = String::new();
    if let Some(summary) = &op.summary {
        out.push_str(&sanitize(summary));
        out.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        out.push_str(&sanitize(description));
        out.push_str("\n\n");
    }
    out.push_str(&format!("Wraps `{} {}`.\n", op.method, op.path));
    if let Some(p) = &op.permissions {
        let kind = if p.all { "ALL" } else { "ANY" };
        let names: Vec<String> = p.names.iter().map(|n| format!("`{n}`")).collect();
        out.push_str(&format!("\nRequires {kind} permissions: {}.\n", names.join(", ")));
    }
    if !op.scopes.is_empty() {
        let scopes: Vec<String> = op.scopes.iter().map(|s| format!("`{s}`")).collect();
        out.push_str(&format!("\nOAuth scopes: {}.\n", scopes.join(", ")));
    }
    let errors: Vec<_> = op.responses.iter().filter(|r| !r.status.starts_with('2')).collect();
    if !errors.is_empty() {
        out.push_str("\n# Errors\n\nReturns an error for a transport failure, an answer that does not decode, ");
        out.push_str("or a non-2xx status. The statuses the API documents:\n\n");
        out.push_str("| Status | Description | Error codes |\n|---|---|---|\n");
        for r in errors {
            let codes: Vec<String> = r.error_codes.iter().map(|(c, _)| format!("`{c}`")).collect();
            out.push_str(&format!("| {} | {} | {} |\n", r.status, table_cell(&r.description), codes.join(", ")));
        }
    }
    out.trim_end().to_owned()
}

/// Spec prose made safe for one Markdown table cell.
pub fn table_cell(text: &str) -> String {
    sanitize(text).replace('\n', " ").replace('|', "\\|")
}

/// The `ErrorCode` enum: every code the API documents, with its message
/// template as docs.
pub fn error_code_file(codes: &[ErrorCode]) -> TokenStream {
    let variants: Vec<Variant> = codes
        .iter()
        .map(|c| Variant { name: c.variant.clone(), wire: c.code.clone(), docs: Some(c.message.clone()) })
        .collect();
    let docs = doc_lines(
        "An error code from an `ErrorBody`, as documented by the spec's `x-inin-error-codes`.\n\n\
         Each variant's docs give the message template the API uses for it.",
    );
    let def = enum_def("ErrorCode", docs, &variants);
    quote! {
        #![doc = " Error codes documented by the spec (`x-inin-error-codes`)."]
        #def
    }
}
