from ninja import Schema


class MunicipalityOut(Schema):
    code: str
    name_fi: str
    name_sv: str


class AreaOut(Schema):
    code: str
    kind: str
    name_fi: str
    name_sv: str
    collaboration_area: str | None
    municipalities: list[MunicipalityOut]


class CollaborationAreaOut(Schema):
    code: str
    name_fi: str
    name_sv: str
    name_en: str
    university_hospital: str
