"""The HL7 FHIR R4 facade at /fhir/: Polku's data as FHIR resources, read and searched through the access core.

Resources are plain dicts built by the mappers in ``resources/``; the tests parse every body with the
``fhir.resources.R4B`` model classes (fhir.resources 8.x ships R5 as its default package and R4B, not
R4, as a subpackage; R4B's resources used here are R4's). Errors are OperationOutcome resources.
"""
