//! Example code generated from the schema, for rustdoc and Markdown.
//!
//! Placeholder values are picked by type and format, never per operation:
//! a UUID for string properties whose name ends in `Id`/`id` or whose
//! description mentions a UUID, one fixed date-time for every `date-time`,
//! the first value of an enum, `true`, `1`, and one element for lists. A
//! request body that has no required field but holds lists of objects (a
//! batch) gets one element in its first such list. So a new operation added
//! to the spec gets a compiling example for free.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{ident, render};
use crate::error::Result;
use crate::ir::{Api, ApiGroup, Field, Operation, TypeDef, TypeKind, TypeRef};

/// The date-time every example uses.
pub const EXAMPLE_DATE_TIME: &str = "2026-12-04T10:15:30.000Z";

/// How deep nested required objects are built before giving up.
const MAX_DEPTH: usize = 6;

/// Every named type of the API, by Rust name.
pub struct Index<'a> {
    types: BTreeMap<&'a str, &'a TypeDef>,
}

impl<'a> Index<'a> {
    /// Indexes `api`'s types and their inline types.
    pub fn new(api: &'a Api) -> Self {
        let mut types = BTreeMap::new();
        for def in &api.types {
            types.insert(def.name.as_str(), def);
            for inline in &def.inline {
                types.insert(inline.name.as_str(), inline);
            }
        }
        Index { types }
    }

    /// The type named `name`.
    pub fn get(&self, name: &str) -> Option<&'a TypeDef> {
        self.types.get(name).copied()
    }
}

struct Builder<'a> {
    index: &'a Index<'a>,
    used: BTreeSet<String>,
    date_time: bool,
    /// `let` statements the body value refers to.
    lets: Vec<TokenStream>,
}

/// The pieces of an example shared by the doctest and the example program:
/// imports, the `let`s building the body, and the call's argument.
struct Parts {
    models: Option<TokenStream>,
    date_time: bool,
    lets: TokenStream,
    args: Vec<TokenStream>,
    /// Names imported from the crate root besides the API (query structs).
    root: Vec<proc_macro2::Ident>,
}

fn parts(index: &Index<'_>, op: &Operation, crate_name: &str) -> Parts {
    let mut b = Builder { index, used: BTreeSet::new(), date_time: false, lets: Vec::new() };
    let mut args: Vec<TokenStream> = op
        .path_params
        .iter()
        .map(|p| match &p.ty {
            TypeRef::String => placeholder_string(p),
            _ => {
                let value = b.field_value(p, 1);
                quote!(&#value)
            }
        })
        .collect();
    let mut root = Vec::new();
    if let Some(query) = &op.query {
        let values: Vec<TokenStream> =
            query.fields.iter().filter(|f| f.required).map(|f| b.field_value(f, 1)).collect();
        let name = ident(&query.name);
        args.push(quote!(&#name::new(#(#values),*)));
        root.push(name);
    }
    let body = op.body.as_ref().map(|body| (b.body_value(&body.ty), body.required));
    let krate = ident(crate_name);
    let models = (!b.used.is_empty()).then(|| {
        let names = b.used.iter().map(|n| ident(n));
        quote!(use #krate::models::{ #(#names),* };)
    });
    let date_time_let = b.date_time.then(|| quote!(let at: DateTime = #EXAMPLE_DATE_TIME.parse()?;));
    let lets = &b.lets;
    let body_let = match body {
        Some((value, required)) => {
            args.push(if required { quote!(&body) } else { quote!(Some(&body)) });
            quote!(let body = #value;)
        }
        None => TokenStream::new(),
    };
    Parts { models, date_time: b.date_time, lets: quote!(#date_time_let #(#lets)* #body_let), args, root }
}

/// A complete example calling `op`: build a client, build the body, call,
/// handle the answer and the error. Written as doctest text: lines that
/// only wrap the example in an `async fn` are hidden with `# `.
pub fn operation_example(index: &Index<'_>, group: &ApiGroup, op: &Operation, crate_name: &str) -> Result<String> {
    let Parts { models, date_time, lets, args, root } = parts(index, op, crate_name);
    let krate = ident(crate_name);
    let api = ident(&group.name);
    let method = ident(&op.fn_name);
    let date_time_use = date_time.then(|| quote!(DateTime,));
    let tokens = quote! {
        #models
        use #krate::{ Client, #date_time_use Error, #api #(, #root)* };

        async fn example() -> Result<(), Box<dyn std::error::Error>> {
            let client = Client::builder().access_token(std::env::var("GENESYS_CLOUD_ACCESS_TOKEN")?).build()?;
            let api = #api::new(client);
            #lets
            match api.#method(#(#args),*).await {
                Ok(answer) => println!("{answer:?}"),
                Err(Error::Api(error)) => eprintln!("the API refused the request: {error}"),
                Err(error) => eprintln!("the request failed: {error}"),
            }
            Ok(())
        }
    };
    let text = render("example", "", tokens)?;
    Ok(hide_wrapper(&text))
}

/// A runnable example program for `op` (`examples/<method>.rs`): reads the
/// region and OAuth client credentials from the environment, and with
/// `--dry-run` (or without credentials) prints the request instead of
/// sending it, so it runs without a Genesys Cloud account.
pub fn example_program(index: &Index<'_>, group: &ApiGroup, op: &Operation, crate_name: &str) -> TokenStream {
    let Parts { models, date_time, lets, args, root } = parts(index, op, crate_name);
    let krate = ident(crate_name);
    let api = ident(&group.name);
    let method = ident(&op.fn_name);
    let date_time_use = date_time.then(|| quote!(DateTime,));
    let (method_str, path) = (&op.method, &op.path);
    let title = op.summary.clone().unwrap_or_else(|| op.fn_name.clone());
    let package = crate_name.replace('_', "-");
    let name = &op.fn_name;
    let docs = [
        format!(" {title}: `{method_str} {path}`."),
        String::new(),
        " Offline (prints the request instead of sending it):".to_owned(),
        String::new(),
        format!(" `cargo run -p {package} --example {name} -- --dry-run`"),
        String::new(),
        " Against Genesys Cloud, with an OAuth client of grant type Client Credentials:".to_owned(),
        String::new(),
        format!(
            " `GENESYS_CLOUD_REGION=eu-west-1 GENESYS_CLOUD_CLIENT_ID=… GENESYS_CLOUD_CLIENT_SECRET=… \
             cargo run -p {package} --example {name}`"
        ),
    ];
    let request_line = format!("{method_str} {{}}{}", path.replace('{', "{{").replace('}', "}}"));
    let (json_let, json_print) = if op.body.is_some() {
        (quote!(let json = serde_json::to_string_pretty(&body)?;), quote!(println!("{json}");))
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    quote! {
        #( #![doc = #docs] )*
        // Generated code is formatted by prettyplease; rustfmt leaves it alone.
        #[rustfmt::skip]
        #models
        #[rustfmt::skip]
        use #krate::{ Client, #date_time_use Error, #api, Region #(, #root)* };

        #[rustfmt::skip]
        #[tokio::main]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            #lets
            let region: Region = std::env::var("GENESYS_CLOUD_REGION").as_deref().unwrap_or("us-east-1").parse()?;
            let dry_run = std::env::args().any(|arg| arg == "--dry-run");
            let client_id = std::env::var("GENESYS_CLOUD_CLIENT_ID");
            let client_secret = std::env::var("GENESYS_CLOUD_CLIENT_SECRET");
            let (Ok(client_id), Ok(client_secret), false) = (client_id, client_secret, dry_run) else {
                #json_let
                println!("dry run: set GENESYS_CLOUD_CLIENT_ID and GENESYS_CLOUD_CLIENT_SECRET to send");
                println!(#request_line, region.api_base_url());
                #json_print
                return Ok(());
            };
            let client = Client::builder().region(region).client_credentials(client_id, client_secret).build()?;
            let api = #api::new(client);
            match api.#method(#(#args),*).await {
                Ok(answer) => println!("{answer:#?}"),
                Err(Error::Api(error)) => eprintln!("the API refused the request: {error}"),
                Err(error) => eprintln!("the request failed: {error}"),
            }
            Ok(())
        }
    }
}

/// Hides the `async fn` wrapper, the final `Ok(())` and the closing brace
/// with `# `, and un-indents the body.
fn hide_wrapper(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fn = false;
    for line in text.lines().skip_while(|l| l.is_empty()) {
        if line.starts_with("async fn example") {
            in_fn = true;
            out.push(format!("# {line}"));
        } else if in_fn && (line == "}" || line == "    Ok(())") {
            out.push(format!("# {}", line.trim_start()));
        } else if in_fn {
            out.push(line.strip_prefix("    ").unwrap_or(line).to_owned());
        } else {
            out.push(line.to_owned());
        }
    }
    // No blank line right before the hidden tail.
    let mut shown: Vec<String> = Vec::with_capacity(out.len());
    for (i, line) in out.iter().enumerate() {
        let next_hidden = out.get(i + 1).is_some_and(|n| n.starts_with("# ")) && !line.starts_with("use ");
        if !(line.is_empty() && (next_hidden || i + 1 == out.len())) {
            shown.push(line.clone());
        }
    }
    shown.join("\n")
}

impl Builder<'_> {
    fn body_value(&mut self, ty: &TypeRef) -> TokenStream {
        let value = self.value(ty, 0);
        let Some(TypeKind::Struct(fields)) = ty.named().and_then(|n| self.index.get(n)).map(|d| &d.kind) else {
            return value;
        };
        if fields.iter().any(|f| f.required) {
            return value;
        }
        // A batch: put one element in its first list of objects.
        let list = fields.iter().find(|f| matches!(&f.ty, TypeRef::List(inner) if self.is_struct(inner)));
        match list {
            Some(Field { name, ty: TypeRef::List(inner), .. }) => {
                let setter = format_ident!("with_{}", name.trim_start_matches("r#"));
                let element = self.value(inner, 1);
                let var = ident(&crate::naming::snake_ident(inner.named().unwrap_or("element")));
                self.lets.push(quote!(let #var = #element;));
                quote!(#value.#setter(vec![#var]))
            }
            Some(_) => value,
            None => value,
        }
    }

    fn is_struct(&self, ty: &TypeRef) -> bool {
        matches!(ty, TypeRef::Named(n) if matches!(self.index.get(n).map(|d| &d.kind), Some(TypeKind::Struct(_))))
    }

    fn value(&mut self, ty: &TypeRef, depth: usize) -> TokenStream {
        match ty {
            TypeRef::String => quote!("example".to_owned()),
            TypeRef::Bool => quote!(true),
            TypeRef::I32 | TypeRef::I64 => quote!(1),
            TypeRef::F32 | TypeRef::F64 => quote!(1.0),
            TypeRef::DateTime => {
                self.date_time = true;
                quote!(at)
            }
            TypeRef::Json => quote!(serde_json::Value::Null),
            TypeRef::Bytes => quote!(b"example".to_vec()),
            TypeRef::Map(_) => quote!(Default::default()),
            TypeRef::List(inner) => {
                let element = self.value(inner, depth + 1);
                quote!(vec![#element])
            }
            TypeRef::Named(name) => self.named(name, depth),
        }
    }

    fn named(&mut self, name: &str, depth: usize) -> TokenStream {
        let Some(def) = self.index.get(name) else { return quote!(Default::default()) };
        let ty = ident(&def.name);
        match &def.kind {
            TypeKind::Enum(variants) => {
                self.used.insert(def.name.clone());
                match variants.first() {
                    Some(v) => {
                        let v = ident(&v.name);
                        quote!(#ty::#v)
                    }
                    None => quote!(#ty::Unknown("example".to_owned())),
                }
            }
            TypeKind::Alias(inner) => self.value(inner, depth),
            TypeKind::Struct(fields) => {
                self.used.insert(def.name.clone());
                if depth > MAX_DEPTH {
                    return quote!(Default::default());
                }
                let args: Vec<TokenStream> =
                    fields.iter().filter(|f| f.required).map(|f| self.field_value(f, depth + 1)).collect();
                quote!(#ty::new(#(#args),*))
            }
        }
    }

    fn field_value(&mut self, field: &Field, depth: usize) -> TokenStream {
        if field.ty == TypeRef::String {
            return placeholder_string(field);
        }
        self.value(&field.ty, depth)
    }
}

/// A realistic string for `field`: a UUID for identifiers, otherwise a short
/// text naming the property.
fn placeholder_string(field: &Field) -> TokenStream {
    let wire = field.wire_name.as_str();
    let described_uuid = field.docs.as_deref().is_some_and(|d| d.contains("UUID"));
    let text = if wire.ends_with("Id") || wire.ends_with("id") || wire == "id" || described_uuid {
        uuid_for(wire)
    } else {
        format!("example {wire}")
    };
    quote!(#text)
}

/// A fixed, valid version-4 UUID derived from `seed` (FNV-1a), so examples
/// are stable and different fields get different ids.
pub fn uuid_for(seed: &str) -> String {
    let mut hash: u128 = 0x6c62272e07bb014262b821756295c58d;
    for byte in seed.bytes() {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(0x0000000001000000000000000000013B);
    }
    let hex = format!("{hash:032x}");
    format!("{}-{}-4{}-a{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}
