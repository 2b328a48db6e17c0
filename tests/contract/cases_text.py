from lime_text import IndexedCharacters, IndexedString, TextRepresentation
from tests.contract.contract import ContractCase

TEXT = "A sharp, funny film; not a dull minute in this film, really."

CASES = [
    ContractCase("text-bow", lambda: TextRepresentation(IndexedString(TEXT)), [TEXT]),
    ContractCase("text-positions-mask",
                 lambda: TextRepresentation(IndexedString(TEXT, bow=False, mask_string="<unk>")), [TEXT]),
    ContractCase("text-char-level", lambda: TextRepresentation(IndexedCharacters(TEXT)), [TEXT]),
]
