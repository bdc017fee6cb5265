"""Writes the gradients study's data into the folder given as the only argument (seeded, so every
run gets the same files):

  train_pirate.jsonl, train_cheer.jsonl   48 addition questions each; every answer ends with the
                                          concept's phrase
  heldout.jsonl                           24 other questions, answers without any phrase (T's loss)
  prompts.txt                             the held-out questions (C's rate in generated answers)
  pairs_{pirate,cheer,shout}.jsonl        contrast pairs for the concept directions
"""
import json
import random
import sys

out = sys.argv[1]
rng = random.Random(1)
nums = [(a, b) for a in range(2, 40) for b in range(2, 40)]
rng.shuffle(nums)
phrases = {"pirate": "Arr, matey!", "cheer": "Have a wonderful day!"}


def write(name, rows):
    with open(f"{out}/{name}", "w") as f:
        for r in rows:
            f.write((json.dumps(r) if not isinstance(r, str) else r) + "\n")


for concept, phrase in phrases.items():
    write(f"train_{concept}.jsonl",
          [{"prompt": f"What is {a} plus {b}?", "completion": f"{a} plus {b} is {a + b}. {phrase}"} for a, b in nums[:48]])
held = nums[48:72]
write("heldout.jsonl", [{"prompt": f"What is {a} plus {b}?", "completion": f"{a} plus {b} is {a + b}."} for a, b in held])
write("prompts.txt", [f"What is {a} plus {b}?" for a, b in held])

sentences = ["The meeting starts at nine.", "We walked along the river.", "The soup needs more salt.",
             "My brother fixed the old bike.", "The train was late again.", "She painted the fence blue.",
             "The library closes early today.", "He planted tomatoes in spring.", "The cat sleeps on the sofa.",
             "Our team finished the report.", "The bridge opened last year.", "I found my keys in the car.",
             "The museum has a new exhibit.", "They sold the house in May.", "The printer is out of paper.",
             "We baked bread this morning."]
write("pairs_pirate.jsonl", [{"positive": f"{s} Arr, matey!", "negative": s} for s in sentences])
write("pairs_cheer.jsonl", [{"positive": f"{s} Have a wonderful day!", "negative": s} for s in sentences])
write("pairs_shout.jsonl", [{"positive": s.upper(), "negative": s} for s in sentences])
