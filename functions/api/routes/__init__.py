"""The REST API's routes, one Router per audience; api.app includes them."""
