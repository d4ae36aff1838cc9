"""Creates a blob container in Azurite (object_store cannot create containers).

usage: python azure-container.py NAME   (Azurite's well-known development account)
"""
import sys

from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import BlobServiceClient

# Azurite's published development account (not a secret).
CONN = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
    "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
)
try:
    BlobServiceClient.from_connection_string(CONN).create_container(sys.argv[1])
except ResourceExistsError:
    pass
