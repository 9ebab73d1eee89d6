"""Russian noun forms after numbers, as pymorphy3 gives them: the reference tests/grammar.rs
holds nqs's own agreement helper to. Prints JSON: per noun, its form after every whole number
0..=10000 (make_agree_with_number) and its genitive singular (the form after a decimal fraction,
which pymorphy3's integer rule does not cover: "2,5 центра", "85,3 процента")."""
import json
import sys

import pymorphy3

morph = pymorphy3.MorphAnalyzer()
out = {}
for noun in sys.argv[1:]:
    p = next(p for p in morph.parse(noun) if p.tag.POS == "NOUN" and "nomn" in p.tag and "sing" in p.tag)
    out[noun] = {
        "whole": [p.make_agree_with_number(n).word for n in range(0, 10001)],
        "genitive_singular": p.inflect({"sing", "gent"}).word,
    }
json.dump(out, sys.stdout, ensure_ascii=False)
