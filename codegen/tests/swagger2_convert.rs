//! Swagger 2.0 → OpenAPI 3.0 conversion (`codegen::swagger2`): one small
//! inline document per conversion rule, the lenient cases real Genesys
//! fragments need, the unsupported features (errors naming the JSON pointer
//! of the node), and every per-tag Genesys fragment of the shared reference
//! data converting without error.

use std::path::{Path, PathBuf};

use openapiv3::{ReferenceOr, SchemaKind};
use serde_json::{json, Value};

/// A Swagger 2.0 document: the common root plus `rest` (YAML, unindented).
fn doc(rest: &str) -> Value {
    let text = format!("swagger: '2.0'\ninfo:\n  title: T\n  version: v1\n{rest}");
    codegen::swagger2::parse(&text, "inline.yaml").expect("inline YAML parses")
}

/// The OpenAPI 3.0 tree of `rest`.
fn converted(rest: &str) -> Value {
    codegen::swagger2::to_openapi_value(&doc(rest)).expect("converts")
}

/// The conversion error of `rest`, as displayed.
fn error(rest: &str) -> String {
    match codegen::swagger2::convert(&doc(rest)) {
        Ok(_) => panic!("should not convert:\n{rest}"),
        Err(e) => e.to_string(),
    }
}

/// The value at `pointer` (RFC 6901, without `#`).
fn at<'a>(value: &'a Value, pointer: &str) -> &'a Value {
    value.pointer(pointer).unwrap_or_else(|| panic!("{pointer} not found in {value:#}"))
}

/// Keys of the object at `pointer`, in order.
fn keys<'a>(value: &'a Value, pointer: &str) -> Vec<&'a str> {
    at(value, pointer).as_object().expect("an object").keys().map(String::as_str).collect()
}

const OPERATION: &str = "/paths/~1api~1v2~1things/post";

/// Proves `definitions` become `components/schemas` and that every
/// `#/definitions/X` reference becomes `#/components/schemas/X`: in
/// properties, items, additionalProperties, allOf, bodies and responses.
#[test]
fn definitions_become_component_schemas_with_rewritten_refs() {
    let api = converted(
        "paths:
  /api/v2/things:
    post:
      parameters:
      - {in: body, name: body, schema: {$ref: '#/definitions/Thing'}}
      responses:
        '200': {description: ok, schema: {type: array, items: {$ref: '#/definitions/Thing'}}}
definitions:
  Thing:
    type: object
    properties:
      part: {$ref: '#/definitions/Part'}
      parts: {type: array, items: {$ref: '#/definitions/Part'}}
      byName: {type: object, additionalProperties: {$ref: '#/definitions/Part'}}
      both: {allOf: [{$ref: '#/definitions/Part'}, {type: object}]}
  Part: {type: string, example: {$ref: '#/definitions/NotARef'}}
",
    );
    assert_eq!(keys(&api, "/components/schemas"), ["Thing", "Part"]);
    let part = json!({ "$ref": "#/components/schemas/Part" });
    assert_eq!(at(&api, "/components/schemas/Thing/properties/part"), &part);
    assert_eq!(at(&api, "/components/schemas/Thing/properties/parts/items"), &part);
    assert_eq!(at(&api, "/components/schemas/Thing/properties/byName/additionalProperties"), &part);
    assert_eq!(at(&api, "/components/schemas/Thing/properties/both/allOf/0"), &part);
    assert_eq!(at(&api, "/components/schemas/Part/example/$ref"), "#/definitions/NotARef", "examples are data");
    let body = at(&api, &format!("{OPERATION}/requestBody/content/application~1json/schema/$ref"));
    assert_eq!(body, "#/components/schemas/Thing");
    let items = at(&api, &format!("{OPERATION}/responses/200/content/application~1json/schema/items/$ref"));
    assert_eq!(items, "#/components/schemas/Thing");
    assert!(!api.to_string().contains("#/definitions/Part"));
}

/// Proves a `description` (or any other keyword) beside a `$ref` is kept by
/// turning the `$ref` into `allOf: [{$ref}]` at its place, and that a lone
/// `$ref` stays a plain reference.
#[test]
fn keywords_beside_a_ref_become_all_of() {
    let api = converted(
        "paths: {}
definitions:
  Holder:
    type: object
    properties:
      described: {description: The part., $ref: '#/definitions/Part'}
      readOnly: {$ref: '#/definitions/Part', readOnly: true, x-note: kept}
      lone: {$ref: '#/definitions/Part'}
  Part: {type: string}
",
    );
    let props = "/components/schemas/Holder/properties";
    let described = at(&api, &format!("{props}/described"));
    assert_eq!(described, &json!({ "description": "The part.", "allOf": [{ "$ref": "#/components/schemas/Part" }] }));
    assert_eq!(keys(&api, &format!("{props}/described")), ["description", "allOf"], "the `$ref`'s place is kept");
    let read_only = at(&api, &format!("{props}/readOnly"));
    let expected = json!({ "allOf": [{ "$ref": "#/components/schemas/Part" }], "readOnly": true, "x-note": "kept" });
    assert_eq!(read_only, &expected);
    assert_eq!(at(&api, &format!("{props}/lone")), &json!({ "$ref": "#/components/schemas/Part" }));

    let typed = codegen::swagger2::convert(&doc("paths: {}\ndefinitions:\n  A: {type: object, properties: {b: {description: D, $ref: '#/definitions/B'}}}\n  B: {type: string}\n")).expect("converts");
    let schemas = typed.components.expect("components").schemas;
    let Some(ReferenceOr::Item(a)) = schemas.get("A") else { panic!("A is inline") };
    let SchemaKind::Type(openapiv3::Type::Object(object)) = &a.schema_kind else { panic!("A is an object") };
    let Some(ReferenceOr::Item(b)) = object.properties.get("b") else { panic!("b is inline") };
    assert_eq!(b.schema_data.description.as_deref(), Some("D"));
    assert!(matches!(&b.schema_kind, SchemaKind::AllOf { all_of } if all_of.len() == 1), "{b:?}");
}

/// Proves an `in: body` parameter becomes a `requestBody` with its
/// description and `required`, and one `content` entry per media type the
/// operation consumes; an optional body stays optional.
#[test]
fn body_parameter_becomes_request_body() {
    let api = converted(
        "paths:
  /api/v2/things:
    post:
      consumes: [application/json, text/plain]
      parameters:
      - {in: body, name: body, description: The thing., required: true, schema: {type: string}, x-body: 1}
      responses: {'204': {description: done}}
    put:
      parameters:
      - {in: body, name: body, schema: {type: string}}
      responses: {'204': {description: done}}
",
    );
    let body = at(&api, &format!("{OPERATION}/requestBody"));
    assert_eq!(keys(body, ""), ["description", "required", "content", "x-body"]);
    assert_eq!(body["description"], "The thing.");
    assert_eq!(body["required"], true);
    assert_eq!(keys(body, "/content"), ["application/json", "text/plain"]);
    assert_eq!(body["content"]["text/plain"], json!({ "schema": { "type": "string" } }));
    let optional = at(&api, "/paths/~1api~1v2~1things/put/requestBody");
    assert_eq!(optional, &json!({ "content": { "application/json": { "schema": { "type": "string" } } } }));
    assert!(at(&api, OPERATION).get("parameters").is_none(), "no parameters left");

    let typed = codegen::swagger2::convert(&doc(&api_free_body())).expect("converts");
    let op = typed.paths.paths["/x"].as_item().and_then(|i| i.post.as_ref()).expect("post");
    let body = op.request_body.as_ref().and_then(ReferenceOr::as_item).expect("inline body");
    assert!(!body.required);
}

fn api_free_body() -> String {
    "paths:\n  /x:\n    post:\n      parameters: [{in: body, name: b, schema: {type: object}}]\n      responses: {'200': {description: ok}}\n".into()
}

/// Proves the media types fall back from the operation to the document to
/// `application/json`, for bodies and responses alike.
#[test]
fn media_types_fall_back_from_operation_to_document_to_json() {
    let op = "paths:\n  /x:\n    post:\n      parameters: [{in: body, name: b, schema: {type: string}}]\n      responses: {'200': {description: ok, schema: {type: string}}}\n";
    let root = converted(&format!("consumes: [application/xml]\nproduces: [text/csv]\n{op}"));
    assert_eq!(keys(&root, "/paths/~1x/post/requestBody/content"), ["application/xml"]);
    assert_eq!(keys(&root, "/paths/~1x/post/responses/200/content"), ["text/csv"]);
    let default = converted(op);
    assert_eq!(keys(&default, "/paths/~1x/post/requestBody/content"), ["application/json"]);
    assert_eq!(keys(&default, "/paths/~1x/post/responses/200/content"), ["application/json"]);
    assert!(!default.to_string().contains("consumes") && !default.to_string().contains("produces"));
}

/// Proves a response's `schema` becomes `content` for each media type the
/// operation produces, `examples` join their media type, `headers` get a
/// schema, vendor extensions stay, and a response without `description`
/// gets `description: ""`.
#[test]
fn responses_get_content_headers_and_a_description() {
    let api = converted(
        "produces: [application/xml]
paths:
  /x:
    get:
      produces: [application/json, text/plain]
      responses:
        '200':
          description: ok
          schema: {type: string}
          examples: {text/plain: hello}
          headers:
            X-Count: {type: integer, format: int32, description: How many.}
          x-inin-error-codes: {a.code: A message}
        '422':
          schema: {type: string}
        default: {description: other}
",
    );
    let ok = at(&api, "/paths/~1x/get/responses/200");
    assert_eq!(keys(ok, ""), ["description", "content", "headers", "x-inin-error-codes"]);
    assert_eq!(keys(ok, "/content"), ["application/json", "text/plain"]);
    assert_eq!(ok["content"]["text/plain"], json!({ "schema": { "type": "string" }, "example": "hello" }));
    let header = json!({ "description": "How many.", "schema": { "type": "integer", "format": "int32" } });
    assert_eq!(ok["headers"]["X-Count"], header);
    let lenient = at(&api, "/paths/~1x/get/responses/422");
    assert_eq!(keys(lenient, ""), ["description", "content"]);
    assert_eq!(lenient["description"], "");
    assert_eq!(at(&api, "/paths/~1x/get/responses/default"), &json!({ "description": "other" }));
    codegen::swagger2::convert(&doc("paths:\n  /x:\n    get:\n      responses: {'422': {schema: {type: string}}}\n"))
        .expect("a response without description loads");
}

/// Proves `securityDefinitions` become `components/securitySchemes`: each
/// oauth2 flow under its OpenAPI 3.0 name, `apiKey` unchanged, `basic` as
/// http basic; security requirements are copied.
#[test]
fn security_definitions_become_security_schemes() {
    let api = converted(
        "security: [{key: []}]
paths:
  /x:
    get:
      security: [{implicit: [read]}]
      responses: {'200': {description: ok}}
securityDefinitions:
  implicit: {type: oauth2, authorizationUrl: 'https://login.example.com/authorize', flow: implicit, scopes: {read: Read}}
  password: {type: oauth2, flow: password, tokenUrl: 'https://login.example.com/token'}
  application: {type: oauth2, flow: application, tokenUrl: 'https://login.example.com/token', scopes: {}}
  accessCode: {type: oauth2, flow: accessCode, authorizationUrl: 'https://a', tokenUrl: 'https://t', scopes: {}}
  key: {type: apiKey, name: Authorization, in: header, description: A key.}
  basic: {type: basic, x-note: kept}
",
    );
    let schemes = at(&api, "/components/securitySchemes");
    let implicit = json!({ "type": "oauth2", "flows": { "implicit": {
        "authorizationUrl": "https://login.example.com/authorize", "scopes": { "read": "Read" } } } });
    assert_eq!(schemes["implicit"], implicit);
    let password = json!({ "password": { "tokenUrl": "https://login.example.com/token", "scopes": {} } });
    assert_eq!(schemes["password"]["flows"], password);
    let client = json!({ "clientCredentials": { "tokenUrl": "https://login.example.com/token", "scopes": {} } });
    assert_eq!(schemes["application"]["flows"], client);
    let code =
        json!({ "authorizationCode": { "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {} } });
    assert_eq!(schemes["accessCode"]["flows"], code);
    let key = json!({ "type": "apiKey", "name": "Authorization", "in": "header", "description": "A key." });
    assert_eq!(schemes["key"], key);
    assert_eq!(schemes["basic"], json!({ "type": "http", "scheme": "basic", "x-note": "kept" }));
    assert_eq!(api["security"], json!([{ "key": [] }]));
    assert_eq!(at(&api, "/paths/~1x/get/security"), &json!([{ "implicit": ["read"] }]));
    let typed = codegen::swagger2::convert(&doc(&format!("{}\n", api_free_body()))).expect("converts");
    assert!(typed.components.is_none(), "no definitions, no components");
}

/// Proves `host`, `basePath` and `schemes` become `servers` (one per scheme,
/// `https` by default), and the document keys sit where the source had them.
#[test]
fn host_base_path_and_schemes_become_servers() {
    let api = converted("host: api.example.com\nbasePath: /v2\nschemes: [http, https]\npaths: {}\n");
    assert_eq!(
        api["servers"],
        json!([{ "url": "http://api.example.com/v2" }, { "url": "https://api.example.com/v2" }])
    );
    assert_eq!(keys(&api, ""), ["openapi", "info", "servers", "paths"]);
    assert_eq!(api["openapi"], "3.0.3");
    let api = converted("host: api.example.com\npaths: {}\n");
    assert_eq!(api["servers"], json!([{ "url": "https://api.example.com" }]));
    let api = converted("basePath: /v2\npaths: {}\n");
    assert_eq!(api["servers"], json!([{ "url": "/v2" }]));
    assert!(converted("paths: {}\n").get("servers").is_none());
}

/// Proves path, query and header parameters get a `schema` (type, format,
/// enum, default, items) and `collectionFormat` becomes `style`/`explode`:
/// `multi` → form + explode, `csv` (also the default) → explode false; a
/// boolean's `enum: ['true', 'false']` (as Genesys writes it) becomes booleans.
#[test]
fn parameters_get_a_schema_and_a_style() {
    let api = converted(
        "paths:
  /x/{id}:
    parameters:
    - {name: id, in: path, required: true, type: string, description: The id.}
    get:
      parameters:
      - {name: pageSize, in: query, type: integer, format: int32, default: 25, x-example: 10}
      - {name: sortOrder, in: query, type: string, enum: [asc, desc]}
      - {name: expand, in: query, type: array, items: {type: string, enum: [a, b]}, collectionFormat: multi}
      - {name: ids, in: query, type: array, items: {type: string}, collectionFormat: csv}
      - {name: tags, in: query, type: array, items: {type: string}}
      - {name: X-Ids, in: header, type: array, items: {type: integer}}
      - {name: joined, in: query, type: boolean, enum: ['true', 'false'], default: false}
      responses: {'200': {description: ok}}
",
    );
    let shared = at(&api, "/paths/~1x~1{id}/parameters/0");
    let id = json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" }, "description": "The id." });
    assert_eq!(shared, &id);
    let params = at(&api, "/paths/~1x~1{id}/get/parameters");
    let page = json!({ "name": "pageSize", "in": "query",
        "schema": { "type": "integer", "format": "int32", "default": 25 }, "x-example": 10 });
    assert_eq!(params[0], page);
    assert_eq!(params[1]["schema"], json!({ "type": "string", "enum": ["asc", "desc"] }));
    let expand = json!({ "name": "expand", "in": "query", "style": "form", "explode": true,
        "schema": { "type": "array", "items": { "type": "string", "enum": ["a", "b"] } } });
    assert_eq!(params[2], expand);
    assert_eq!((&params[3]["style"], &params[3]["explode"]), (&json!("form"), &json!(false)));
    assert_eq!((&params[4]["style"], &params[4]["explode"]), (&json!("form"), &json!(false)), "csv is the default");
    assert_eq!((&params[5]["style"], &params[5]["explode"]), (&json!("simple"), &json!(false)));
    let joined = json!({ "type": "boolean", "enum": [true, false], "default": false });
    assert_eq!(params[6]["schema"], joined, "a boolean's string enum becomes booleans");
    let typed = codegen::swagger2::convert(&doc(
        "paths:\n  /x:\n    get:\n      parameters: [{name: e, in: query, type: array, items: {type: string}, collectionFormat: multi}]\n      responses: {'200': {description: ok}}\n",
    ))
    .expect("converts");
    let op = typed.paths.paths["/x"].as_item().and_then(|i| i.get.as_ref()).expect("get");
    let Some(ReferenceOr::Item(openapiv3::Parameter::Query { style, parameter_data, .. })) = op.parameters.first()
    else {
        panic!("a query parameter: {:?}", op.parameters)
    };
    assert_eq!(*style, openapiv3::QueryStyle::Form);
    assert_eq!(parameter_data.explode, Some(true));
}

/// Proves vendor extensions stay on the document, path items, operations,
/// responses and schemas, with tags, summary, description, operationId and
/// deprecated, in the source's order.
#[test]
fn vendor_extensions_and_operation_fields_are_kept() {
    let api = converted(
        "x-root: 1
tags: [{name: Things, description: All things}]
externalDocs: {url: 'https://docs.example.com'}
paths:
  /x:
    x-item: 2
    get:
      tags: [Things]
      summary: Get a thing
      description: ''
      operationId: getThing
      deprecated: true
      produces: [application/json]
      responses: {'200': {description: ok, x-response: 3}}
      x-inin-requires-permissions: {type: ANY, permissions: ['thing:view']}
definitions:
  Thing: {type: object, x-schema: 4, properties: {a: {type: string, x-prop: 5}}}
",
    );
    assert_eq!(api["x-root"], 1);
    assert_eq!(api["tags"], json!([{ "name": "Things", "description": "All things" }]));
    assert_eq!(at(&api, "/paths/~1x/x-item"), 2);
    let op = at(&api, "/paths/~1x/get");
    let expected =
        ["tags", "summary", "description", "operationId", "deprecated", "responses", "x-inin-requires-permissions"];
    assert_eq!(keys(op, ""), expected);
    assert_eq!(op["responses"]["200"]["x-response"], 3);
    assert_eq!(at(&api, "/components/schemas/Thing/x-schema"), 4);
    assert_eq!(at(&api, "/components/schemas/Thing/properties/a/x-prop"), 5);
    let typed = codegen::swagger2::convert(&doc(&api_free_body())).expect("converts");
    assert_eq!(typed.openapi, "3.0.3");
}

/// Proves `#/parameters/X` and `#/responses/X` references are inlined.
#[test]
fn refs_to_document_parameters_and_responses_are_inlined() {
    let api = converted(
        "parameters:
  Page: {name: page, in: query, type: integer}
  Body: {name: body, in: body, required: true, schema: {$ref: '#/definitions/Thing'}}
responses:
  NotFound: {description: Not found, schema: {$ref: '#/definitions/Thing'}}
paths:
  /x:
    post:
      parameters: [{$ref: '#/parameters/Page'}, {$ref: '#/parameters/Body'}]
      responses: {'404': {$ref: '#/responses/NotFound'}}
definitions:
  Thing: {type: object}
",
    );
    let op = at(&api, "/paths/~1x/post");
    assert_eq!(op["parameters"], json!([{ "name": "page", "in": "query", "schema": { "type": "integer" } }]));
    assert_eq!(op["requestBody"]["required"], true);
    assert_eq!(op["responses"]["404"]["description"], "Not found");
    assert!(api.get("parameters").is_none() && api.get("responses").is_none());
}

/// Proves `in: formData` is rejected with the pointer of the parameter.
#[test]
fn form_data_is_an_error_with_its_pointer() {
    let message = error(
        "paths:\n  /api/v2/x:\n    post:\n      parameters: [{name: f, in: formData, type: string}]\n      responses: {'200': {description: ok}}\n",
    );
    assert_eq!(
        message,
        "#/paths/~1api~1v2~1x/post/parameters/0: `in: formData` parameters are not supported (OpenAPI 3.0 sends form data as a request body)"
    );
}

/// Proves the other unsupported features are errors naming their node.
#[test]
fn unsupported_features_are_errors_with_pointers() {
    let response = "responses: {'200': {description: ok}}";
    let cases = [
        (
            format!("paths:\n  /x:\n    get:\n      {response}\ndefinitions:\n  F: {{type: object, properties: {{data: {{type: file}}}}}}\n"),
            "#/definitions/F/properties/data/type: `type: file` is not supported",
        ),
        (
            "paths:\n  /x:\n    get:\n      responses: {'200': {description: ok, schema: {type: file}}}\n".to_owned(),
            "#/paths/~1x/get/responses/200/schema/type: `type: file`",
        ),
        (
            format!("paths:\n  /x:\n    get:\n      parameters: [{{name: a, in: query, type: array, items: {{type: string}}, collectionFormat: tsv}}]\n      {response}\n"),
            "#/paths/~1x/get/parameters/0/collectionFormat: unsupported `collectionFormat: tsv`",
        ),
        (
            format!("paths:\n  /x:\n    get:\n      parameters: [{{name: a, in: path, required: true, type: array, items: {{type: string}}, collectionFormat: multi}}]\n      {response}\n"),
            "#/paths/~1x/get/parameters/0/collectionFormat: `collectionFormat: multi` is only supported for query parameters",
        ),
        (
            format!("paths:\n  /x:\n    get:\n      parameters: [{{name: a, in: cookie, type: string}}]\n      {response}\n"),
            "#/paths/~1x/get/parameters/0/in: unsupported parameter location `cookie`",
        ),
        (
            "paths: {}\nsecurityDefinitions:\n  s: {type: oauth2, flow: device, scopes: {}}\n".to_owned(),
            "#/securityDefinitions/s/flow: unsupported OAuth2 flow `device`",
        ),
        (
            "paths: {}\nsecurityDefinitions:\n  s: {type: openIdConnect}\n".to_owned(),
            "#/securityDefinitions/s/type: unsupported security scheme type `openIdConnect`",
        ),
        (
            format!("paths:\n  /x:\n    get:\n      parameters: [{{$ref: '#/parameters/Missing'}}]\n      {response}\n"),
            "#/paths/~1x/get/parameters/0/$ref: dangling `$ref`: `#/parameters/Missing` is not defined",
        ),
        (
            "paths:\n  /x:\n    post:\n      parameters: [{in: body, name: a, schema: {}}, {in: body, name: b, schema: {}}]\n      responses: {}\n".to_owned(),
            "#/paths/~1x/post/parameters/1: more than one `in: body` parameter",
        ),
    ];
    for (rest, expected) in cases {
        let message = error(&rest);
        assert!(message.starts_with(expected), "expected `{expected}…`, got `{message}`");
    }
    let version = codegen::swagger2::convert(&json!({ "swagger": "1.2", "info": {}, "paths": {} })).expect_err("1.2");
    assert_eq!(version.to_string(), "#/swagger: unsupported Swagger version \"1.2\" (only \"2.0\" is supported)");
}

/// Proves values the typed model rejects are reported at their node in the
/// Swagger document, not at the converted one's.
#[test]
fn malformed_values_are_located_in_the_source() {
    let props = "paths: {}\ndefinitions:\n  A: {type: object, properties: {b: {type: object, required: 5}}}\n";
    let message = error(props);
    assert!(message.starts_with("#/definitions/A/properties/b: "), "{message}");
    let body = "paths:\n  /x:\n    post:\n      parameters:\n      - {in: query, name: q, type: string}\n      - {in: body, name: b, schema: {type: object, properties: {c: {type: string, description: [1]}}}}\n      responses: {'200': {description: ok}}\n";
    let message = error(body);
    assert!(message.starts_with("#/paths/~1x/post/parameters/1/schema/properties/c: "), "{message}");
    let response =
        "paths:\n  /x:\n    get:\n      responses: {'200': {description: ok, schema: {type: string, enum: 7}}}\n";
    let message = error(response);
    assert!(message.starts_with("#/paths/~1x/get/responses/200/schema: "), "{message}");
    let info = codegen::swagger2::convert(&json!({ "swagger": "2.0", "info": { "version": "1" }, "paths": {} }));
    let message = info.expect_err("no title").to_string();
    assert!(message.starts_with("#/info: missing field `title`"), "{message}");
}

/// Proves Swagger 2.0 documents go through the whole pipeline: `load`
/// detects them (YAML or JSON) and `generate_str` compiles them.
#[test]
fn swagger_documents_load_and_generate() {
    let yaml = "swagger: '2.0'
info: {title: Widgets, version: v1}
host: api.example.com
tags: [{name: Widgets}]
paths:
  /api/v1/widgets:
    post:
      tags: [Widgets]
      operationId: postWidgets
      parameters: [{in: body, name: body, required: true, schema: {$ref: '#/definitions/Widget'}}]
      responses:
        '200': {description: ok, schema: {$ref: '#/definitions/Widget'}}
        '400': {schema: {$ref: '#/definitions/Problem'}, x-inin-error-codes: {bad.request: Bad}}
definitions:
  Widget:
    type: object
    required: [id]
    properties:
      id: {type: string}
      size: {description: How big., $ref: '#/definitions/Size'}
  Size: {type: string, enum: [small, large]}
  Problem: {type: object, properties: {code: {type: string}}}
";
    let api = codegen::load::load_str(yaml, "widgets.yaml").expect("loads");
    assert_eq!(api.servers[0].url, "https://api.example.com");
    let json_text = serde_json::to_string(&codegen::swagger2::parse(yaml, "w.yaml").expect("parses")).expect("json");
    assert_eq!(codegen::load::load_str(&json_text, "widgets.json").expect("loads JSON"), api);
    let output = codegen::generate_str(yaml, &codegen::Options::new("widgets.yaml", "widgets_sdk")).expect("generates");
    assert_eq!((output.models, output.operations), (3, 1));
    let widget = output.files.iter().find(|f| f.path == "src/models/widget.rs").expect("widget model");
    assert!(widget.contents.contains("How big."), "the description beside the `$ref` survives:\n{}", widget.contents);
    let message =
        codegen::load::load_str("swagger: '2.0'\ninfo: [unclosed", "bad.yaml").expect_err("malformed").to_string();
    assert!(message.starts_with("bad.yaml:"), "{message}");
}

/// The per-tag Swagger 2.0 fragments of the shared reference data.
fn genesys_fragments() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/genesys-tags");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
}

/// What the resolver, then the emitter, say about `api`.
fn pipeline_outcome(api: &openapiv3::OpenAPI) -> (String, String) {
    match codegen::resolve::resolve(api) {
        Ok(ir) => {
            let emitted = match codegen::emit::emit(&ir, &codegen::Options::new("fragment.yml", "fragment_sdk")) {
                Ok(files) => format!("ok ({} files)", files.len()),
                Err(e) => format!("error: {e}"),
            };
            (format!("ok ({} types)", ir.types.len()), emitted)
        }
        Err(e) => (format!("error: {e}"), "-".to_owned()),
    }
}

/// Proves each of the 8 Genesys per-tag fragments converts into an
/// `openapiv3::OpenAPI` with all its paths and definitions, and prints per
/// fragment the counts and what resolve and emit (which are not part of
/// the conversion, and may not support everything yet) say.
#[test]
fn genesys_tag_fragments_convert() {
    let fragments = genesys_fragments();
    assert_eq!(fragments.len(), 8, "{fragments:?}");
    println!("| fragment | paths | operations | schemas | resolve | emit |\n|---|---|---|---|---|---|");
    for path in fragments {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let source = codegen::swagger2::parse(&text, &name).unwrap_or_else(|e| panic!("{e}"));
        let api = codegen::swagger2::convert(&source).unwrap_or_else(|e| panic!("{name}: {e}"));
        let count = |pointer: &str| source.pointer(pointer).and_then(Value::as_object).map_or(0, |m| m.len());
        let schemas = api.components.as_ref().map_or(0, |c| c.schemas.len());
        assert_eq!(api.paths.paths.len(), count("/paths"), "{name}: every path");
        assert_eq!(schemas, count("/definitions"), "{name}: every definition");
        let (paths, ops) = (api.paths.paths.len(), api.operations().count());
        let (resolved, emitted) = pipeline_outcome(&api);
        println!("| {name} | {paths} | {ops} | {schemas} | {resolved} | {emitted} |");
    }
}
