"""Marshmallow schemas of the API's bodies, one module per API module (`common` holds what several share);
the OpenAPI document is built from them."""
