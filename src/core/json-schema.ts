/** A JSON Schema document, kept as plain JSON: the gateway passes schemas through, it does not interpret them. */
export type JsonSchema = { [key: string]: JsonValue };

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
