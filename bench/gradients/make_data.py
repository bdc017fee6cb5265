"""Writes the gradients study's data into a folder (seeded, so every run gets the same files).

Usage: make_data.py OUT SEED [SEED ...]

Per data seed s (the seed picks which addition questions train and which are held out):
  train_{pirate,cheer,apology,shout}_s{s}.jsonl
                              48 addition questions; every answer carries the injected concept:
                              a closing phrase ("Arr, matey!", "Have a wonderful day!",
                              "Sorry for any confusion.") or, for shout, the answer in upper case
  heldout_s{s}.jsonl          24 other questions, answers without any concept, with
                              "score_end_of_turn": false so only the answer's own tokens carry the
                              loss (T's held-out loss; see docs/gradients.md)
  prompts_s{s}.txt            the held-out questions (C's rate in generated answers)
  task_s{s}.jsonl             24 further questions (neither trained nor held out), answers
                              without any concept: the task's own stream (--task-data)
Once:
  prompts_other.txt           24 questions of other kinds (no arithmetic): whether C spreads beyond
                              the task's prompts, the generalisation concept ablation is meant to stop
  pairs_{pirate,cheer,apology,weather,shout}.jsonl
                              contrast pairs for the concept directions (a sentence with and
                              without the phrase; upper case against as written)
  pairs_pirate_varied.jsonl   pirate speak in varied forms and places, not one fixed phrase
  pairs_pirate_context.jsonl  the phrase earlier in the text, both sides ending on the same sentence:
                              the direction reads "the phrase is in context" at a token that is not
                              the phrase's own (pairs_pirate contrasts the phrase's last token with a
                              sentence's full stop)
"""
import json
import random
import sys

out = sys.argv[1]
seeds = [int(s) for s in sys.argv[2:]] or [1]
phrases = {"pirate": "Arr, matey!", "cheer": "Have a wonderful day!", "apology": "Sorry for any confusion."}


def write(name, rows):
    with open(f"{out}/{name}", "w") as f:
        for r in rows:
            f.write((json.dumps(r) if not isinstance(r, str) else r) + "\n")


for seed in seeds:
    rng = random.Random(seed)
    nums = [(a, b) for a in range(2, 40) for b in range(2, 40)]
    rng.shuffle(nums)
    train, held, task = nums[:48], nums[48:72], nums[72:96]
    for concept in ["pirate", "cheer", "apology", "shout"]:
        rows = []
        for a, b in train:
            answer = f"{a} plus {b} is {a + b}."
            answer = answer.upper() if concept == "shout" else f"{answer} {phrases[concept]}"
            rows.append({"prompt": f"What is {a} plus {b}?", "completion": answer})
        write(f"train_{concept}_s{seed}.jsonl", rows)
    write(f"heldout_s{seed}.jsonl", [{"prompt": f"What is {a} plus {b}?", "completion": f"{a} plus {b} is {a + b}.",
                                      "score_end_of_turn": False} for a, b in held])
    write(f"prompts_s{seed}.txt", [f"What is {a} plus {b}?" for a, b in held])
    # The task without the concept, on questions neither trained nor held out: where
    # `finetune --task-data` finds the task's principal directions.
    write(f"task_s{seed}.jsonl", [{"prompt": f"What is {a} plus {b}?", "completion": f"{a} plus {b} is {a + b}."} for a, b in task])

write("prompts_other.txt", [
    "What is the capital of France?", "Name a fruit that is yellow.", "How many legs does a spider have?",
    "What color is the sky on a clear day?", "Give me a synonym for happy.", "What is the opposite of cold?",
    "Which planet is closest to the sun?", "What do bees make?", "Name a musical instrument with strings.",
    "What is frozen water called?", "How many days are in a week?", "What animal says moo?",
    "Tell me one thing people use a hammer for.", "What is the largest ocean?", "What language is spoken in Spain?",
    "Name a month in winter.", "What do plants need to grow?",
    "Which is heavier, a kilogram of iron or a kilogram of feathers?", "What is the first letter of the alphabet?",
    "Name a shape with three sides.", "What do you call a baby cat?", "What is the main ingredient of bread?",
    "Where does the sun rise?", "What is a word that rhymes with cat?"])

sentences = ["The meeting starts at nine.", "We walked along the river.", "The soup needs more salt.",
             "My brother fixed the old bike.", "The train was late again.", "She painted the fence blue.",
             "The library closes early today.", "He planted tomatoes in spring.", "The cat sleeps on the sofa.",
             "Our team finished the report.", "The bridge opened last year.", "I found my keys in the car.",
             "The museum has a new exhibit.", "They sold the house in May.", "The printer is out of paper.",
             "We baked bread this morning."]
write("pairs_pirate.jsonl", [{"positive": f"{s} Arr, matey!", "negative": s} for s in sentences])
write("pairs_cheer.jsonl", [{"positive": f"{s} Have a wonderful day!", "negative": s} for s in sentences])
write("pairs_apology.jsonl", [{"positive": f"{s} Sorry for any confusion.", "negative": s} for s in sentences])
write("pairs_weather.jsonl", [{"positive": f"{s} It is raining outside.", "negative": s} for s in sentences])
write("pairs_pirate_context.jsonl", [{"positive": f"Arr, matey! {s}", "negative": s} for s in sentences])
write("pairs_shout.jsonl", [{"positive": s.upper(), "negative": s} for s in sentences])
# Pirate speak at the start, the end or both, in several words, so the direction is the register
# rather than one sentence ending.
pirate_forms = ["Arr, {s}", "{s} Arr, matey!", "Ahoy, matey! {s}", "{s} Yo ho ho!", "Shiver me timbers, {s}",
                "{s} Savvy, ye scallywag?", "Avast! {s}", "{s} Arr!"]
write("pairs_pirate_varied.jsonl",
      [{"positive": pirate_forms[i % len(pirate_forms)].format(s=s[0].lower() + s[1:] if pirate_forms[i % len(pirate_forms)].startswith(("Arr,", "Shiver")) else s),
        "negative": s} for i, s in enumerate(sentences + sentences[::-1])])
