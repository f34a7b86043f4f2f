"""ICD-10-CM codes to the case schema's diagnosis categories (by code prefix, longest prefix first).

Used for the codes a note lists beside its diagnoses ("Lumbar radiculopathy (M54.16)") and for FHIR
Condition codes. A code whose prefix is not in the table adds no category (the text may still name one).
"""

from __future__ import annotations

import re

__all__ = ["ICD10_CATEGORIES", "icd10_categories", "ICD10_CODE"]

#: prefix -> categories. Prefixes are written without the dot.
ICD10_CATEGORIES: dict[str, tuple[str, ...]] = {
    # spine
    "M545": ("low_back_pain",), "M544": ("low_back_pain", "radiculopathy"), "M543": ("radiculopathy",),
    "M5410": ("radiculopathy",), "M5411": ("neck_pain", "radiculopathy"), "M5412": ("neck_pain", "radiculopathy"),
    "M5413": ("neck_pain", "radiculopathy"), "M5414": ("thoracic_pain", "radiculopathy"),
    "M5415": ("thoracic_pain", "low_back_pain", "radiculopathy"), "M5416": ("low_back_pain", "radiculopathy"),
    "M5417": ("low_back_pain", "radiculopathy"), "M5418": ("low_back_pain", "radiculopathy"),
    "M542": ("neck_pain",), "M546": ("thoracic_pain",), "M5489": ("low_back_pain",),
    "M50": ("neck_pain",), "M501": ("neck_pain", "radiculopathy"),
    "M51": ("low_back_pain",), "M511": ("low_back_pain", "radiculopathy"), "M5114": ("thoracic_pain", "radiculopathy"),
    "M4712": ("neck_pain",), "M4781": ("low_back_pain",), "M47812": ("neck_pain",), "M47813": ("neck_pain",),
    "M47814": ("thoracic_pain",), "M4702": ("neck_pain",), "M4722": ("neck_pain", "radiculopathy"),
    "M4726": ("low_back_pain", "radiculopathy"), "M4727": ("low_back_pain", "radiculopathy"),
    "M4802": ("neck_pain",), "M4804": ("thoracic_pain",), "M4806": ("low_back_pain",), "M4807": ("low_back_pain",),
    "M4316": ("low_back_pain",), "M4317": ("low_back_pain",), "M533": ("low_back_pain",),
    "M961": ("low_back_pain", "post_surgical"),
    "S335": ("low_back_pain", "sprain_strain"), "S39012": ("low_back_pain", "sprain_strain"),
    "S134": ("neck_pain", "sprain_strain"), "S161": ("neck_pain", "sprain_strain"),
    "S233": ("thoracic_pain", "sprain_strain"), "S29012": ("thoracic_pain", "sprain_strain"),
    # pain syndromes, nerves
    "M791": ("myofascial_pain",), "M7918": ("myofascial_pain",), "M797": ("fibromyalgia",),
    "M792": ("neuropathic_pain",),
    "G560": ("neuropathic_pain", "hand_wrist"), "G562": ("neuropathic_pain", "elbow"), "G56": ("neuropathic_pain",),
    "G57": ("neuropathic_pain",), "G58": ("neuropathic_pain",), "G62": ("neuropathic_pain",),
    "G905": ("crps",), "G564": ("crps",), "G574": ("crps",), "G577": ("crps",),
    "G43": ("headache",), "G44": ("headache",), "R51": ("headache",),
    "G35": ("spasticity",), "G80": ("spasticity",), "G82": ("spasticity",), "R252": ("myofascial_pain",),
    "M6283": ("myofascial_pain",),
    # joints
    "M15": ("osteoarthritis",), "M16": ("osteoarthritis", "hip"), "M17": ("osteoarthritis", "knee"),
    "M18": ("osteoarthritis", "hand_wrist"), "M19": ("osteoarthritis",), "M1901": ("osteoarthritis", "shoulder"),
    "M1902": ("osteoarthritis", "elbow"), "M1903": ("osteoarthritis", "hand_wrist"),
    "M1904": ("osteoarthritis", "hand_wrist"), "M1907": ("osteoarthritis", "ankle_foot"),
    "M75": ("shoulder",), "M752": ("shoulder", "tendinitis"), "M753": ("shoulder", "tendinitis"),
    "M755": ("shoulder",), "M7581": ("shoulder", "tendinitis"), "M2551": ("shoulder",),
    "M770": ("elbow", "tendinitis"), "M771": ("elbow", "tendinitis"), "M653": ("hand_wrist", "tendinitis"),
    "M654": ("hand_wrist", "tendinitis"), "M65": ("tendinitis",), "M76": ("tendinitis",), "M722": ("ankle_foot",),
    "M23": ("knee",), "M2556": ("knee",), "M2555": ("hip",), "M2553": ("hand_wrist",), "M2557": ("ankle_foot",),
    "S4340": ("shoulder", "sprain_strain"), "S434": ("shoulder", "sprain_strain"), "S46": ("shoulder", "sprain_strain"),
    "S535": ("elbow", "sprain_strain"), "S635": ("hand_wrist", "sprain_strain"),
    "S636": ("hand_wrist", "sprain_strain"),
    "S735": ("hip", "sprain_strain"), "S835": ("knee", "sprain_strain"), "S834": ("knee", "sprain_strain"),
    "S832": ("knee",), "S934": ("ankle_foot", "sprain_strain"), "S936": ("ankle_foot", "sprain_strain"),
    # fractures
    "S12": ("fracture", "neck_pain"), "S22": ("fracture", "thoracic_pain"), "S32": ("fracture", "low_back_pain"),
    "S42": ("fracture", "shoulder"), "S52": ("fracture",), "S62": ("fracture", "hand_wrist"),
    "S72": ("fracture", "hip"), "S82": ("fracture",), "S92": ("fracture", "ankle_foot"),
    # other
    "F32": ("depression",), "F33": ("depression",), "F41": ("anxiety",), "F43": ("anxiety",),
    "G470": ("insomnia",), "F510": ("insomnia",), "K21": ("gi_disorder",), "K25": ("gi_disorder",),
    "K26": ("gi_disorder",), "K27": ("gi_disorder",), "K29": ("gi_disorder",), "K30": ("gi_disorder",),
    "K590": ("gi_disorder",), "R12": ("gi_disorder",), "C": ("cancer_pain",),
    "Z981": ("post_surgical",), "Z966": ("post_surgical",), "Z4789": ("post_surgical",),
}

#: An ICD-10-CM code as written in a note: a letter, two digits, optionally a dot and up to four more.
ICD10_CODE = re.compile(r"\b([A-TV-Z]\d{2}(?:\.[0-9A-Z]{1,4})?)\b")


def icd10_categories(code: str) -> list[str]:
    """The diagnosis categories of an ICD-10-CM code (longest matching prefix), [] when unknown."""
    key = code.strip().upper().replace(".", "")
    for length in range(len(key), 0, -1):
        found = ICD10_CATEGORIES.get(key[:length])
        if found is not None:
            if found == ("cancer_pain",) and not re.match(r"C\d", key):
                return []
            return list(found)
    return []
