"""Seed exercise library: single-leg strength, stability, balance, foot and mobility work.

Pure data. Each entry in ``LIBRARY`` describes one exercise with its coaching text, the articles
of the training material its facts come from (``sources``), its neighbours in the library
(prerequisites, regressions, progressions) and, where one exists, an ordered ladder of stages with
their dose, load guidance and criteria to move up.

Entries list only what an exercise or stage has; ``exercises.services.library_entries`` fills
in the rest (no video, equipment, neighbours or stages; a stage without support, hold, rest,
load band or criteria).

Every stage has a ``key`` that never changes: reseeding updates the rung with that key in place
(clients, logs and programs that point at it keep pointing at the same rung) and adds rungs with
new keys. A stage names the figures the material gives in ``from_material`` ("load" for its load
bands); every other figure it states is a product default and is marked so on the coach's pages.
``product_step`` marks a rung the material does not have, and ``differs_note`` says where a rung
departs from the material.

Stage criteria: move up after ``sessions`` consecutive sessions with form quality (1-5)
of at least ``min_form`` and a left/right gap of at most ``max_gap_pct`` percent
(plus ``min_hold_seconds`` for timed holds). The last stage has no ``criteria``.
"""

from __future__ import annotations

# The articles of the training material, by their titles (the wall hold's has none of its own).
WALL = "Legs up the wall: a single-leg hold (untitled article)"
LEG_LOWERING = "Let's Talk About Leg Lowering"
RUNNERS = (
    "Strategies for improving single leg strength and balance to reduce compensations and "
    "boost running efficiency"
)
POSTERIOR = "Back leg training: 4 recommended single leg movements!"
RESTORE = "Restore: the hips program"
SOURCES = (WALL, LEG_LOWERING, RUNNERS, POSTERIOR, RESTORE)

LIBRARY: list[dict] = [
    # ------------------------------------------------------------------ hinge family
    {
        "slug": "hip-hinge",
        "name": "Hip hinge",
        "summary": (
            "Fold forward from the hips with a long back and softly bent knees. "
            "It is the base pattern behind every deadlift and single-leg hinge."
        ),
        "instructions": [
            "Stand with feet hip-width apart, knees unlocked, hands resting on the hip bones.",
            "Send the hips straight back as if shutting a drawer behind you, letting the torso tip forward in one piece.",
            "Keep the shins close to vertical and the weight over the middle of the foot.",
            "Stop once the backs of the thighs feel firmly stretched, or sooner if the back starts to round.",
            "Push the hips forward and squeeze the glutes to come back to tall standing.",
        ],
        "cues": [
            "Hips go back, not down",
            "Ribs and pelvis travel as one block",
            "Feel the hamstrings take the load",
        ],
        "faults": [
            {
                "fault": "The back rounds as the torso lowers.",
                "fix": "Use a shorter range and hold a stick along the spine so it touches head, upper back and tailbone throughout.",
            },
            {
                "fault": "The knees bend forward and it turns into a squat.",
                "fix": "Fix the shin angle and reach the hips toward a wall behind you.",
            },
        ],
        "breathing": "Breathe in and brace before you fold; breathe out as you return to standing.",
        "laterality": "bilateral",
        "measurement": "reps",
        "category": "stability",
        "sources": [RESTORE],
        "regions": ["hamstrings", "glutes", "hips", "lower-back"],
        "progressions": ["deadlift", "single-leg-hinge-and-lift", "kettlebell-swing"],
    },
    {
        "slug": "deadlift",
        "name": "Deadlift",
        "summary": (
            "Two-leg hinge that lifts a weight from the floor. Own this pattern before "
            "asking a single leg to do the same job."
        ),
        "instructions": [
            "Stand with the bar over the middle of the feet (or a kettlebell between them), feet hip-width apart.",
            "Hinge down and take a grip just outside the legs, hips higher than the knees.",
            "Take the slack out: chest up, armpits squeezed down, spine long.",
            "Push the floor away and bring the hips through until you stand tall.",
            "Lower by sending the hips back first, keeping the weight close to the legs.",
        ],
        "cues": [
            "Weight stays close to the legs",
            "Push the floor away",
            "Lock out with the glutes, not by leaning back",
        ],
        "faults": [
            {
                "fault": "The hips shoot up first and the back ends up doing the lifting.",
                "fix": "Start with the hips slightly lower and press through the whole foot so chest and hips rise together.",
            },
            {
                "fault": "Leaning back at the top.",
                "fix": "Finish with shoulders stacked over hips and the glutes squeezed, then stop.",
            },
        ],
        "breathing": "Breathe in and brace before each pull, hold it through the lift, and breathe out once you are standing.",
        "laterality": "bilateral",
        "measurement": "reps_load",
        "category": "strength",
        "sources": [RESTORE],
        "regions": ["hamstrings", "glutes", "lower-back", "quads", "grip"],
        "equipment": ["barbell", "kettlebell"],
        "regressions": ["hip-hinge"],
        "progressions": ["single-leg-deadlift", "kettlebell-swing"],
    },
    {
        "slug": "single-leg-hinge-and-lift",
        "name": "Single-leg hinge and lift",
        "summary": (
            "A slow, light single-leg hinge where the free leg rises behind you. Used early "
            "to build awareness of ankle, knee and hip alignment rather than to move weight."
        ),
        "instructions": [
            "Stand on one leg, knee slightly bent, holding nothing or a light dumbbell in the opposite hand.",
            "Tip the torso forward from the standing hip while the free leg lifts straight back.",
            "Go only as deep as you can keep the hips level and the knee over the foot.",
            "Pause, then drive the standing hip forward to return to tall standing.",
            "Finish all reps on one side before changing legs.",
        ],
        "cues": [
            "Hips square to the floor",
            "Ankle, knee and hip in one line",
            "Slow and precise beats heavy",
        ],
        "faults": [
            {
                "fault": "The pelvis opens up toward the lifted leg.",
                "fix": "Point the toes of the lifted leg at the floor and reduce the depth.",
            },
            {
                "fault": "The standing knee drifts inward.",
                "fix": "Spread the toes, root the big toe and guide the knee back over the middle of the foot.",
            },
        ],
        "breathing": "Breathe in as you hinge down and breathe out as you rise; keep the trunk lightly braced.",
        "laterality": "unilateral",
        "measurement": "reps_load",
        "category": "stability",
        "sources": [RUNNERS],
        "regions": ["hamstrings", "glutes", "hips", "ankles"],
        "equipment": ["dumbbell"],
        "regressions": ["hip-hinge"],
        "progressions": ["single-leg-deadlift"],
    },
    {
        "slug": "single-leg-deadlift",
        "name": "Single-leg deadlift",
        "summary": (
            "The key single-leg hinge for a stable, strong hip: one leg stays planted while "
            "the torso and free leg pivot together around the hip joint."
        ),
        "instructions": [
            "Stand tall on one leg, hands on hips or holding the weight; briefly lift the other knee to find a level pelvis.",
            "Let the free leg travel back as you hinge forward from the standing hip, spine long.",
            "Lower until the torso is about 45 degrees to the floor or the hamstring is fully loaded.",
            "Pause for 1-2 seconds at the bottom with the hips still level.",
            "Squeeze the standing-side glute and drive the hip forward to stand back up.",
        ],
        "cues": [
            "Keep the hips high: the hamstring should stay switched on every rep",
            "Neutral spine from head to tailbone",
            "Film a set and review it before adding weight",
            "Touch a support whenever balance wobbles",
        ],
        "faults": [
            {
                "fault": "The hips sink and the hamstring tension disappears.",
                "fix": "Raise the hips until you feel the back of the thigh working again; shorten the range if needed.",
            },
            {
                "fault": "The back rounds at the bottom.",
                "fix": "Stop where the spine is still long and reach the chest forward rather than down.",
            },
            {
                "fault": "Fighting for balance on every rep.",
                "fix": "Go back to a light hand on a rail or wall; stability builds from a steady base.",
            },
        ],
        "breathing": "Breathe in and brace on the way down; breathe out as you drive back to standing.",
        "laterality": "unilateral",
        "measurement": "reps_load",
        "category": "strength",
        "sources": [RESTORE, POSTERIOR],
        "regions": ["hamstrings", "glutes", "hips", "core"],
        "equipment": ["handrail", "dumbbell", "kettlebell"],
        "prerequisites": ["hip-hinge", "deadlift"],
        "regressions": ["single-leg-hinge-and-lift"],
        "stages": [
            {
                "key": "supported-unloaded",
                "name": "Supported, unloaded",
                "description": (
                    "Learn the pattern with no weight and one hand on a rail or wall, so balance "
                    "never gets in the way of a clean rep."
                ),
                "support": "handrail",
                "surface": "floor",
                "sets": 3,
                "reps_per_side": 8,
                "rest_seconds": 60,
                "criteria": {"sessions": 3, "min_form": 4, "max_gap_pct": 10},
                "criteria_note": (
                    "Move up when the movement feels easy and looks right on both sides, "
                    "ideally confirmed on video."
                ),
            },
            {
                "key": "loaded",
                "name": "Loaded",
                "description": (
                    "Hold a dumbbell or kettlebell. Start at 10-20 lb and build over the weeks "
                    "toward 25-35 lb for women or 35-45 lb for men. Keep a light touch on a "
                    "support if balance is the limiter; try reps without it as skill improves."
                ),
                "support": "handrail",
                "surface": "floor",
                "sets": 3,
                "reps_per_side": 8,
                "rest_seconds": 90,
                "load_unit": "lb",
                "load_min": 10,
                "load_max": 20,
                "load_min_female": 25,
                "load_max_female": 35,
                "load_min_male": 35,
                "load_max_male": 45,
                "from_material": ["load"],
                "criteria": {"sessions": 3, "min_form": 4, "max_gap_pct": 10},
                "criteria_note": (
                    "Move up once the upper band is handled with level hips and a long spine, "
                    "and several reps per side are steady without touching the support."
                ),
            },
            {
                "key": "free-standing",
                "name": "Free-standing, heaviest controlled load",
                "description": (
                    "Hands free: the standing hip and foot keep you steady on every rep. Use the most "
                    "weight you can lift with full control."
                ),
                "surface": "floor",
                "sets": 3,
                "reps_per_side": 6,
                "rest_seconds": 90,
                "load_unit": "lb",
                "criteria_note": (
                    "Top rung. Add weight only while every rep stays controlled; on days balance "
                    "is off, go back to using a support."
                ),
            },
        ],
    },
    {
        "slug": "single-leg-back-extension",
        "name": "One-leg back extension (Roman chair)",
        "summary": (
            "A hip hinge on a Roman chair with only one leg anchored, loading that side's "
            "hamstrings and glute through a long range."
        ),
        "instructions": [
            "Set the hip pad so its top sits just below the crease of the hips, leaving room to fold.",
            "Hook one ankle under the foot pad and let the other leg rest lightly behind it.",
            "Start in a straight line from head to heel, chin tucked and spine long.",
            "Fold forward at the hip, not the back, until the hamstring is well stretched.",
            "Squeeze the glute of the anchored leg to lift back to the straight line, and stop there.",
        ],
        "cues": [
            "Bend at the hip, never at the spine",
            "Chin tucked, back flat",
            "Finish in a straight line, no arching past it",
        ],
        "faults": [
            {
                "fault": "The spine rounds on the way down and over-arches on the way up.",
                "fix": "Shorten the range and keep the trunk rigid; all the motion comes from the hip joint.",
            },
            {
                "fault": "The pad is set too high, so the hips cannot fold.",
                "fix": "Lower the pad until it sits under the hip crease.",
            },
        ],
        "breathing": "Breathe in as you fold down and breathe out as you lift back to the line.",
        "laterality": "unilateral",
        "measurement": "reps_load",
        "category": "strength",
        "sources": [POSTERIOR],
        "regions": ["hamstrings", "glutes", "lower-back"],
        "equipment": ["roman-chair"],
        "regressions": ["hip-hinge"],
    },
    {
        "slug": "kettlebell-swing",
        "name": "Kettlebell swing",
        "summary": (
            "An explosive two-hand hinge: the hips snap through and the bell floats up to "
            "about chest height."
        ),
        "instructions": [
            "Stand with the kettlebell a short step in front of you; hinge and grip it with both hands.",
            "Hike the bell back between the thighs like a center snap.",
            "Snap the hips forward and squeeze the glutes so the bell floats up to about chest height.",
            "Let it fall and hinge to meet it, forearms brushing the inner thighs.",
            "After the last rep, guide the bell back to the floor in front of you.",
        ],
        "cues": [
            "Hinge, don't squat",
            "Hips drive, arms only guide",
            "Stand like a plank at the top",
        ],
        "faults": [
            {
                "fault": "Squatting the swing with the knees traveling forward.",
                "fix": "Return to hip hinge drills and keep the shins close to vertical.",
            },
            {
                "fault": "Leaning back at the top.",
                "fix": "Finish tall with ribs down and glutes tight, like a standing plank.",
            },
        ],
        "breathing": "A short, sharp breath out as the hips snap forward; breathe in as the bell drops back.",
        "laterality": "bilateral",
        "measurement": "reps_load",
        "category": "power",
        "sources": [LEG_LOWERING],
        "regions": ["glutes", "hamstrings", "core", "grip"],
        "equipment": ["kettlebell"],
        "regressions": ["hip-hinge", "deadlift"],
    },
    # ------------------------------------------------------------------ core / trunk
    {
        "slug": "deadbug",
        "name": "Deadbug",
        "summary": (
            "A back-flat core drill that teaches you to tie the ribs to the pelvis and stay "
            "stiff through the middle while arms and legs move."
        ),
        "instructions": [
            "Lie on your back, arms pointing at the ceiling, knees stacked over the hips with the shins level.",
            "Let the low back settle gently into the floor and draw the ribs down toward the hips.",
            "Take 5 slow, complete breaths out, feeling the waist tighten all the way around.",
            "Keeping that tension, lower one heel toward the floor as the opposite arm reaches overhead.",
            "Bring them back and switch sides without the back lifting.",
        ],
        "cues": [
            "Ribs down, low back heavy",
            "Tension wraps all the way around the waist",
            "Move slowly enough that nothing else moves",
        ],
        "faults": [
            {
                "fault": "The low back arches off the floor as the limbs reach.",
                "fix": "Shorten the reach and finish each breath out completely before moving.",
            },
            {
                "fault": "Holding the breath to stay tight.",
                "fix": "Keep breathing; build the brace with long exhales instead of breath-holding.",
            },
        ],
        "breathing": "Long, full exhales set the brace; breathe out as arm and leg reach away and in as they come back.",
        "laterality": "alternating",
        "measurement": "reps",
        "category": "stability",
        "sources": [LEG_LOWERING],
        "regions": ["core", "hips", "lower-back"],
        "equipment": ["mat"],
        "progressions": ["leg-lowering"],
    },
    {
        "slug": "leg-lowering",
        "name": "Leg lowering",
        "summary": (
            "Lying on the back, one leg lowers toward the floor while the pelvis stays put. "
            "It trains a stiff trunk so the hip can move freely; it is not a hamstring stretch."
        ),
        "instructions": [
            "Lie on your back with both legs pointing up and set the trunk with a few deadbug breaths.",
            "Keep the other leg up (a doorframe can hold it) and the pelvis pinned to the floor.",
            "Breathe out and slowly lower one leg toward the floor.",
            "Stop before the pelvis tips or the low back lifts.",
            "Breathe in as the leg returns to vertical; finish the side, then switch.",
        ],
        "cues": [
            "The pelvis stays parked; only the leg travels",
            "Breathe out down, breathe in up",
            "Use only the range you can control",
        ],
        "faults": [
            {
                "fault": "The leg drops loosely and the pelvis rocks from side to side.",
                "fix": "Go back to deadbug breathing to rebuild tension, then lower more slowly over a shorter range.",
            },
            {
                "fault": "The low back peels off the floor near the bottom.",
                "fix": "Stop the leg higher, or let the knee bend as the leg comes down.",
            },
        ],
        "breathing": "Breathe out as the leg lowers and in as it lifts, keeping the trunk tension built in the deadbug.",
        "laterality": "unilateral",
        "measurement": "reps",
        "category": "stability",
        "sources": [LEG_LOWERING],
        "regions": ["core", "hips", "hamstrings"],
        "equipment": ["mat"],
        "prerequisites": ["deadbug"],
        "regressions": ["deadbug"],
        "stages": [
            {
                "key": "deadbug-heel-taps",
                "name": "Deadbug heel taps",
                "product_step": True,
                "description": (
                    "From the deadbug position take 5 full breaths out, then, knee still bent, "
                    "tap one heel to the floor and bring it back, pelvis still. The shortest "
                    "lever: the trunk learns to stay stiff while a leg moves."
                ),
                "differs_note": (
                    "Not in the article, which goes from the deadbug straight to lowering the "
                    "leg: a first rung for a client whose pelvis still rocks when a leg moves."
                ),
                "surface": "floor",
                "sets": 2,
                "reps_per_side": 5,
                "rest_seconds": 45,
                "criteria": {"sessions": 3, "min_form": 4, "max_gap_pct": 10},
                "criteria_note": "Move up when the pelvis stays motionless on every tap and the breathing stays smooth.",
            },
            {
                "key": "bent-knee",
                "name": "Leg lowering, knee free to bend",
                "description": (
                    "The article's way: take 5 deadbug breaths out to set the tension, then lower "
                    "one leg from pointing up, letting the knee bend as it travels down, 5 per "
                    "side. Breathe out as the leg goes down and in as it comes back. The aim is "
                    "a pelvis that stays put, not a straight leg."
                ),
                "surface": "floor",
                "sets": 2,
                "reps_per_side": 5,
                "from_material": ["reps_per_side"],
                "rest_seconds": 45,
                "criteria": {"sessions": 3, "min_form": 4, "max_gap_pct": 10},
                "criteria_note": (
                    "This rung is the goal of the exercise. Go on only to lengthen the lever for "
                    "a client whose low back and pelvis stay still through the whole range."
                ),
            },
            {
                "key": "straight-leg",
                "name": "Straight-leg lowering (optional)",
                "product_step": True,
                "description": (
                    "After 5 deadbug breaths, lower a straight leg, 5 per side: the longest "
                    "lever, so the pelvis has to stay perfectly still."
                ),
                "differs_note": (
                    "Beyond the article: its author lets the knee bend and warns that the usual "
                    "straight-leg version lets the hips move. Offer it only while the pelvis "
                    "stays parked; the bent-knee rung is a complete goal."
                ),
                "surface": "floor",
                "sets": 2,
                "reps_per_side": 5,
                "from_material": ["reps_per_side"],
                "rest_seconds": 45,
                "criteria_note": "Top rung. Keep the range honest; lower only as far as the pelvis stays put.",
            },
        ],
    },
    # ------------------------------------------------------------------ bridges / hamstrings
    {
        "slug": "wall-single-leg-hold",
        "name": "Wall single-leg hold",
        "summary": (
            "Lying with the feet on a wall, lift into a bridge and then hold on one leg. A "
            "low-stress way to train hip, knee and ankle alignment, and a warm-up before any leg work."
        ),
        "instructions": [
            "Lie on your back with the legs straight up a wall; let the arms, elbows and wrists rest on the floor and the back settle flat.",
            "Slide the feet down the wall by roughly one-third, until the soles sit flat on it.",
            "Press through the feet and lift the hips until the shins are level with the floor and the knees sit near 90 degrees.",
            "Keep pressing into the wall and breathe on both feet for about a minute.",
            "Float one foot up toward the ceiling and hold on the other leg with the hips square.",
            "Put the foot back, lower the hips, and repeat on the other leg.",
        ],
        "cues": [
            "The knee points at the second toe",
            "Hips stay level; no rolling to one side",
            "Let the tailbone and pelvic floor soften",
            "Keep pressing the foot into the wall",
        ],
        "faults": [
            {
                "fault": "Clenching the glutes and pelvic floor and tucking the tailbone to stay steady.",
                "fix": "Let the grip go, let the tailbone hang heavy, and find the work in the thighs and glutes through the foot press.",
            },
            {
                "fault": "The pelvis twists or drops when one foot comes off.",
                "fix": "Stay on both feet a little longer, then lift the free leg only as high as the hips stay square.",
            },
            {
                "fault": "The planted knee caves inward.",
                "fix": "Re-aim the knee over the second toe before lifting the other leg; shorten the hold if it keeps drifting.",
            },
        ],
        "breathing": "Breathe slowly and evenly through the whole hold; let each breath out draw the belly gently in without squeezing below.",
        "laterality": "unilateral",
        "measurement": "hold",
        "category": "stability",
        "is_warm_up": True,
        "sources": [WALL],
        "regions": ["glutes", "hamstrings", "quads", "hips", "pelvic-floor", "core"],
        "equipment": ["wall", "mat"],
        "progressions": ["single-leg-glute-bridge"],
        "stages": [
            {
                "key": "two-foot-set-up",
                "name": "Two-foot set-up",
                "laterality": "bilateral",
                "description": (
                    "Feet flat on the wall a third of the way down, hips lifted until the shins "
                    "are level and the knees near a right angle. Stay on both feet for about a "
                    "minute, pressing into the wall and breathing, with the pelvis level and "
                    "each knee in line with its second toe."
                ),
                "support": "wall",
                "surface": "floor",
                "sets": 1,
                "hold_seconds": 60,
                "from_material": ["sets", "hold_seconds", "criteria_min_hold_seconds"],
                "criteria": {"sessions": 3, "min_form": 4, "min_hold_seconds": 60},
                "criteria_note": (
                    "Move up when the minute on both feet stays settled: hips level, knees over "
                    "the second toes, tailbone and pelvic floor soft rather than gripping."
                ),
            },
            {
                "key": "single-leg-1-min",
                "name": "Single-leg hold, 1 minute",
                "description": (
                    "After the minute on both feet, peel one foot up toward the ceiling and hold "
                    "on the other leg for a minute, hips square and the knee over the second toe; "
                    "then the other side."
                ),
                "support": "wall",
                "surface": "floor",
                "sets": 1,
                "hold_seconds": 60,
                "rest_seconds": 30,
                "from_material": ["sets"],
                "criteria": {
                    "sessions": 5,
                    "min_form": 4,
                    "max_gap_pct": 10,
                    "min_hold_seconds": 60,
                },
                "criteria_note": (
                    "Move up when the pelvis neither swivels nor drops as the foot comes up, the "
                    "knee stays over the second toe, and nothing grips, on both legs."
                ),
            },
            {
                "key": "single-leg-2-min",
                "name": "Single-leg hold, 2 minutes",
                "product_step": True,
                "description": (
                    "The minute on both feet, then two minutes on each leg with the same alignment."
                ),
                "differs_note": (
                    "A step between the first single-leg minute and the article's goal of 3 to 5 "
                    "minutes; the article gives no time in between."
                ),
                "support": "wall",
                "surface": "floor",
                "sets": 1,
                "hold_seconds": 120,
                "rest_seconds": 30,
                "from_material": ["sets"],
                "criteria": {
                    "sessions": 5,
                    "min_form": 4,
                    "max_gap_pct": 10,
                    "min_hold_seconds": 120,
                },
                "criteria_note": "Move up when two minutes a side stay square and aligned.",
            },
            {
                "key": "single-leg-3-to-5-min",
                "name": "Single-leg hold, 3 to 5 minutes",
                "description": (
                    "The minute on both feet, then hold each leg for 3 minutes, building toward 5 "
                    "as long as the hips stay square and the knee stays over the second toe."
                ),
                "support": "wall",
                "surface": "floor",
                "sets": 1,
                "hold_seconds": 180,
                "rest_seconds": 30,
                "from_material": ["sets", "hold_seconds", "criteria_min_hold_seconds"],
                "criteria": {
                    "sessions": 5,
                    "min_form": 4,
                    "max_gap_pct": 10,
                    "min_hold_seconds": 180,
                },
                "criteria_note": (
                    "Move on once the static hold is steady for 3 to 5 minutes a side: that is "
                    "when the article starts adding repetitions to the warm-up."
                ),
            },
            {
                "key": "warm-up-reps",
                "name": "Warm-up repetitions",
                "description": (
                    "With the long hold owned, use it as a warm-up before running or leg "
                    "training: a few shorter single-leg holds a side instead of one long one."
                ),
                "support": "wall",
                "surface": "floor",
                "sets": 1,
                "reps_per_side": 3,
                "hold_seconds": 30,
                "criteria_note": (
                    "Top rung. Keep it daily in the warm-up; the article suggests 30 days, or for "
                    "good."
                ),
            },
        ],
    },
    {
        "slug": "single-leg-glute-bridge",
        "name": "Single-leg glute bridge",
        "summary": "A floor bridge on one leg for hip extension strength and a level pelvis.",
        "instructions": [
            "Lie on your back with one foot flat near the hips and the other knee pulled toward the chest.",
            "Press through the heel of the planted foot and lift until knee, hip and shoulder line up.",
            "Hold the top for 1-2 seconds with the hips level.",
            "Lower under control and repeat; switch legs after the set.",
        ],
        "cues": [
            "Heel drives, toes stay light",
            "Belt line stays level",
            "Finish with the glute, not the low back",
        ],
        "faults": [
            {
                "fault": "The hip on the free-leg side sags.",
                "fix": "Lift a little lower and ease the working knee out over the foot to recruit the side of the glute.",
            },
            {
                "fault": "The low back arches at the top.",
                "fix": "Draw the ribs down and stop as soon as the hip is straight.",
            },
        ],
        "breathing": "Breathe out as the hips rise and in as they lower.",
        "laterality": "unilateral",
        "measurement": "reps",
        "category": "strength",
        "sources": [RUNNERS, POSTERIOR],
        "regions": ["glutes", "hamstrings", "hips", "core"],
        "equipment": ["mat"],
        "regressions": ["wall-single-leg-hold", "step-down"],
        "progressions": ["single-leg-bench-bridge"],
    },
    {
        "slug": "single-leg-bench-bridge",
        "name": "Single-leg bridge on a bench",
        "summary": (
            "A single-leg bridge with the upper back on a bench, giving a longer range of hip "
            "extension and a strong single-leg stability demand."
        ),
        "instructions": [
            "Sit on the floor with the shoulders and upper back against a bench; spread the arms along it for balance.",
            "Put the working heel on a second bench or sturdy box in front of you and lift the other leg.",
            "Drive through the heel and squeeze the glute until the hip is fully straight.",
            "Hold the top for 1-2 seconds with head and spine neutral.",
            "Lower the hips toward the floor under control; switch legs after the set.",
        ],
        "cues": [
            "Push through the heel",
            "Chin tucked, eyes forward at the top",
            "Full hip lockout, then pause",
        ],
        "faults": [
            {
                "fault": "Arching the low back to get the hips higher.",
                "fix": "Keep the ribs down and stop at a straight line from knee to shoulder.",
            },
            {
                "fault": "The foot or bench slides.",
                "fix": "Brace the bench against a wall or use a non-slip surface, and press the heel down rather than forward.",
            },
        ],
        "breathing": "Breathe in at the bottom; breathe out as you drive up and pause.",
        "laterality": "unilateral",
        "measurement": "reps",
        "category": "strength",
        "sources": [POSTERIOR],
        "regions": ["glutes", "hamstrings", "hips", "core"],
        "equipment": ["bench"],
        "regressions": ["single-leg-glute-bridge"],
        "progressions": ["single-leg-ball-hamstring-curl"],
    },
    {
        "slug": "single-leg-ball-hamstring-curl",
        "name": "Single-leg stability-ball hamstring curl",
        "summary": (
            "From a bridge with one heel on a stability ball, curl the ball toward you. A tough, "
            "very effective hamstring strength exercise."
        ),
        "instructions": [
            "Lie face up with shoulders and arms resting on the floor; rest one heel on the ball and pull the other knee toward the chest.",
            "Brace and lift the hips until shoulder, hip and heel form a straight line.",
            "Bend the knee to roll the ball in, keeping the hips high.",
            "Hold the curled position for a second.",
            "Roll the ball slowly back out to a straight leg without letting the hips drop.",
        ],
        "cues": [
            "Hips stay high while the ball moves",
            "Take your time on the way out",
            "Shoulders heavy on the floor",
        ],
        "faults": [
            {
                "fault": "The hips sag as the ball rolls.",
                "fix": "Press the heel down into the ball and shorten the curl; build up with both feet on the ball first if needed.",
            },
            {
                "fault": "The ball drifts sideways.",
                "fix": "Keep the heel in the middle of the ball and spread the arms wider on the floor.",
            },
        ],
        "breathing": "Breathe out as you curl the ball in; breathe in as you roll it out.",
        "laterality": "unilateral",
        "measurement": "reps",
        "category": "strength",
        "sources": [POSTERIOR],
        "regions": ["hamstrings", "glutes", "core"],
        "equipment": ["stability-ball", "mat"],
        "regressions": ["single-leg-bench-bridge"],
        "progressions": ["nordic-hamstring-curl"],
    },
    {
        "slug": "nordic-hamstring-curl",
        "name": "Nordic hamstring curl",
        "summary": (
            "Kneeling with the ankles anchored, lower the body toward the floor as slowly as "
            "you can: heavy braking work for the hamstrings."
        ),
        "instructions": [
            "Kneel on a pad with the ankles held under a bench, strap or partner.",
            "Make a straight line from knees to head with the hips fully extended.",
            "Lean forward slowly from the knees, resisting with the hamstrings for as long as possible.",
            "Catch yourself with the hands when you can no longer hold the line.",
            "Push off lightly with the hands and pull with the hamstrings to come back up.",
        ],
        "cues": [
            "Hips stay straight; no folding",
            "Resist the whole way down",
            "Control first, depth later",
        ],
        "faults": [
            {
                "fault": "Bending at the hips to shorten the lever.",
                "fix": "Squeeze the glutes to keep the knee-to-shoulder line; use a band around the chest for assistance.",
            },
            {
                "fault": "Falling fast after the first few inches.",
                "fix": "Use band assistance or a shorter range until the whole descent is controlled.",
            },
        ],
        "breathing": "Breathe in at the top; breathe out slowly through the lowering.",
        "laterality": "bilateral",
        "measurement": "reps",
        "category": "strength",
        "sources": [RUNNERS],
        "regions": ["hamstrings", "glutes"],
        "equipment": ["mat", "band"],
        "regressions": ["single-leg-ball-hamstring-curl"],
    },
    # ------------------------------------------------------------------ balance / proprioception
    {
        "slug": "single-leg-balance-hold",
        "name": "Single-leg balance hold",
        "summary": (
            "Stand on one leg and stay quiet. The entry point for single-leg stability, later "
            "challenged with a light band or a dumbbell."
        ),
        "instructions": [
            "Stand on one foot with the other knee lifted to about hip height, hands on hips.",
            "Spread the toes and share the weight between big toe, little toe and heel.",
            "Stack ankle, knee and hip and keep the pelvis level.",
            "Hold for the set time, then switch legs.",
        ],
        "cues": [
            "Three points of the foot on the floor",
            "Level pelvis",
            "Stay tall and quiet",
        ],
        "faults": [
            {
                "fault": "The standing hip juts out to the side.",
                "fix": "Draw the standing hip back under you and switch on the side of the glute.",
            },
            {
                "fault": "Constant wobbling at the ankle.",
                "fix": "Soften the knee, root the big toe, and use shorter holds with more sets.",
            },
        ],
        "breathing": "Breathe slowly through the nose with a light brace; never hold the breath to stay still.",
        "laterality": "unilateral",
        "measurement": "hold",
        "category": "stability",
        "sources": [RUNNERS],
        "regions": ["ankles", "feet", "hips", "glutes", "core"],
        "equipment": ["band", "dumbbell"],
        "progressions": ["unstable-surface-balance", "single-leg-reach"],
        "stages": [
            {
                "key": "bodyweight",
                "name": "Bodyweight",
                "description": "Hold on one leg with nothing added, hands on hips.",
                "surface": "floor",
                "sets": 3,
                "hold_seconds": 30,
                "rest_seconds": 30,
                "criteria": {
                    "sessions": 3,
                    "min_form": 4,
                    "max_gap_pct": 10,
                    "min_hold_seconds": 30,
                },
                "criteria_note": "Move up when every hold is still and aligned on both legs.",
            },
            {
                "key": "light-band",
                "name": "Light band",
                "description": (
                    "Add a light resistance band pulling sideways on the lifted knee or the hips, "
                    "so the standing hip has to resist being dragged off line."
                ),
                "support": "band",
                "surface": "floor",
                "sets": 3,
                "hold_seconds": 30,
                "rest_seconds": 30,
                "load_unit": "band",
                "criteria": {
                    "sessions": 3,
                    "min_form": 4,
                    "max_gap_pct": 10,
                    "min_hold_seconds": 30,
                },
                "criteria_note": "Move up when the band no longer shifts the hip or knee on either side.",
            },
            {
                "key": "light-dumbbell",
                "name": "Light dumbbell",
                "description": (
                    "Hold a light dumbbell in one hand (try each hand) so the trunk and hip resist "
                    "an uneven load."
                ),
                "differs_note": (
                    "The article offers a light band or dumbbells as the next step after "
                    "bodyweight, either one; taking the band first and the dumbbell after it is "
                    "this ladder's choice."
                ),
                "surface": "floor",
                "sets": 3,
                "hold_seconds": 30,
                "rest_seconds": 30,
                "load_unit": "lb",
                "criteria_note": "Top rung. Progress further with unstable-surface balance or single-leg strength work.",
            },
        ],
    },
    {
        "slug": "unstable-surface-balance",
        "name": "Unstable-surface balance",
        "summary": (
            "Balance in the running article's order: blind balance on an unstable surface first, "
            "then eyes-open work on an ever smaller base, one leg on the floor and then on the pad."
        ),
        "instructions": [
            "Take the stance and surface of your stage, knees soft, hands on hips.",
            "Keep the foot pressing evenly and let the ankle make small corrections.",
            "Keep the pelvis level and the trunk quiet; the ankle and hip do the balancing.",
            "If you lose it, touch down, reset and carry on until the time is up.",
            "On one leg, switch legs and compare how the two sides feel.",
        ],
        "cues": [
            "Small ankle corrections, still trunk",
            "Soft knee, not locked",
            "Reset rather than flail",
        ],
        "faults": [
            {
                "fault": "Arms flailing and the trunk swaying to stay up.",
                "fix": "Return to the previous stage or shorten the hold; keep hands on hips.",
            },
            {
                "fault": "Locking the knee straight.",
                "fix": "Unlock the knee slightly so the hip and ankle can absorb the wobble.",
            },
        ],
        "breathing": "Keep slow, even breathing; a calm breath out helps settle the wobble.",
        "laterality": "unilateral",
        "measurement": "hold",
        "category": "stability",
        "sources": [RUNNERS],
        "regions": ["ankles", "feet", "hips", "core"],
        "equipment": ["balance-pad"],
        "regressions": ["single-leg-balance-hold"],
        "progressions": ["dot-drill"],
        "stages": [
            {
                "key": "eyes-closed-two-feet",
                "name": "Eyes closed, both feet, unstable surface",
                "laterality": "bilateral",
                "description": (
                    "Stand on a balance pad or wobble board with both feet and close the eyes, so "
                    "the feet and ankles balance without help from vision. Stand near a wall."
                ),
                "differs_note": (
                    "The article starts with blind balance on an unstable surface without naming "
                    "the stance; both feet is this ladder's reading, since the base narrows in the "
                    "rungs after it."
                ),
                "surface": "unstable surface",
                "sets": 3,
                "hold_seconds": 30,
                "rest_seconds": 30,
                "criteria": {"sessions": 3, "min_form": 4, "min_hold_seconds": 30},
                "criteria_note": "Move up when the hold is quiet without opening the eyes or touching the wall.",
            },
            {
                "key": "eyes-open-firm",
                "name": "Eyes open, firm floor",
                "description": ("Eyes open on a smaller base: one leg on a hard, flat floor."),
                "surface": "floor",
                "sets": 3,
                "hold_seconds": 30,
                "rest_seconds": 30,
                "criteria": {
                    "sessions": 3,
                    "min_form": 4,
                    "max_gap_pct": 10,
                    "min_hold_seconds": 30,
                },
                "criteria_note": "Move up when holds are quiet and level on both legs.",
            },
            {
                "key": "eyes-open-unstable",
                "name": "Eyes open, unstable surface",
                "description": "The one-leg hold on a balance pad or wobble board, eyes open.",
                "surface": "unstable surface",
                "sets": 3,
                "hold_seconds": 30,
                "rest_seconds": 30,
                "criteria": {
                    "sessions": 3,
                    "min_form": 4,
                    "max_gap_pct": 10,
                    "min_hold_seconds": 30,
                },
                "criteria_note": "Move up when you can hold the time on the pad without touching down.",
            },
            {
                "key": "eyes-closed-unstable",
                "name": "Eyes closed, unstable surface",
                "product_step": True,
                "description": (
                    "The one-leg hold on the unstable surface with eyes closed. Stand near a wall "
                    "for safety."
                ),
                "differs_note": (
                    "Beyond the article, which goes from blind balance to eyes-open work on a "
                    "smaller base: one leg with the eyes closed asks for both at once."
                ),
                "surface": "unstable surface",
                "sets": 3,
                "hold_seconds": 20,
                "rest_seconds": 30,
                "criteria_note": "Top rung. Keep it going until the balance feels automatic.",
            },
        ],
    },
    {
        "slug": "single-leg-reach",
        "name": "Alternating single-leg reaches",
        "summary": (
            "Balance on one leg and reach the free foot out to spots around you, then switch. "
            "Builds stance-leg control in several directions."
        ),
        "instructions": [
            "Stand on one leg, knee softly bent, hands on hips, feet starting under the hips.",
            "Reach the free foot forward and tap the floor lightly, keeping the weight on the standing leg.",
            "Come back to center, then tap out to the side and behind.",
            "Switch standing legs after each round of taps.",
        ],
        "cues": [
            "Taps are feather-light; the standing foot holds the weight",
            "Knee tracks over the middle toes",
            "Stay tall through the top of the head",
        ],
        "faults": [
            {
                "fault": "The standing knee caves in as you reach.",
                "fix": "Reach a shorter distance and guide the knee back over the foot.",
            },
            {
                "fault": "The trunk leans or twists to chase the reach.",
                "fix": "Keep hips and shoulders facing forward; reach only as far as the trunk stays still.",
            },
        ],
        "breathing": "Breathe out as you reach away and in as you return to center.",
        "laterality": "alternating",
        "measurement": "reps",
        "category": "stability",
        "sources": [RUNNERS],
        "regions": ["hips", "glutes", "quads", "ankles", "feet", "core"],
        "regressions": ["single-leg-balance-hold"],
        "progressions": ["step-down"],
    },
    {
        "slug": "dot-drill",
        "name": "Dot drill",
        "summary": (
            "Quick, precise hops between marked spots on the floor to sharpen foot placement, "
            "ankle control and a light, quiet landing."
        ),
        "instructions": [
            "Mark five spots on the floor like the five on a dice, a short hop apart.",
            "Stand on one leg on a corner spot, knee soft, weight toward the ball of the foot.",
            "Hop through a set pattern (corner, center, corner) landing softly on each spot.",
            "Keep ground contacts short and quiet and the eyes up for the whole round.",
            "Rest, then repeat on the other leg.",
        ],
        "cues": [
            "Land light and quick",
            "Hit each dot exactly",
            "Springy ankle",
        ],
        "faults": [
            {
                "fault": "Heavy, noisy landings.",
                "fix": "Shorten the hops and land on the ball of the foot with a soft knee.",
            },
            {
                "fault": "Missing spots as fatigue builds.",
                "fix": "End the round early; accuracy comes before speed.",
            },
        ],
        "breathing": "Breathe rhythmically throughout; don't hold the breath during the round.",
        "laterality": "unilateral",
        "measurement": "time",
        "category": "power",
        "sources": [RUNNERS],
        "regions": ["ankles", "feet", "calves", "hips"],
        "regressions": ["unstable-surface-balance"],
    },
    # ------------------------------------------------------------------ single-leg strength
    {
        "slug": "step-down",
        "name": "Step-down",
        "summary": (
            "Slowly lower one heel from a step to the floor and back up, teaching the standing "
            "leg to brake with control, as it must on every running stride."
        ),
        "instructions": [
            "Stand on one leg on a low step with the other foot hanging off the front.",
            "Bend the standing knee and sit the hips back to lower the free heel slowly, braking all the way.",
            "Touch the heel down lightly without shifting weight onto it.",
            "Press through the standing foot to return to tall standing.",
        ],
        "cues": [
            "Slow on the way down",
            "Knee over the second toe",
            "Pelvis stays level",
        ],
        "faults": [
            {
                "fault": "Dropping through the last part of the descent.",
                "fix": "Use a lower step and slow down until the whole lowering is controlled.",
            },
            {
                "fault": "The hip on the free side drops.",
                "fix": "Keep the belt line level; think of lifting the free-side hip slightly.",
            },
            {
                "fault": "The standing knee caves inward.",
                "fix": "Shorten the range and steer the knee over the middle of the foot.",
            },
        ],
        "breathing": "Breathe in as you lower and breathe out as you press back up.",
        "laterality": "unilateral",
        "measurement": "reps",
        "category": "strength",
        "sources": [RUNNERS],
        "regions": ["quads", "glutes", "hips", "ankles"],
        "equipment": ["step"],
        "regressions": ["single-leg-reach"],
        "progressions": ["single-leg-glute-bridge"],
    },
    {
        "slug": "lateral-step-up",
        "name": "Lateral step-up",
        "summary": (
            "Step up sideways onto a box with the top leg doing all the work, building "
            "side-to-side hip control and accurate foot placement."
        ),
        "instructions": [
            "Stand side-on to a step with the near foot flat on top.",
            "Shift the weight onto the top foot and press through the whole foot to stand up on the step.",
            "Bring the trailing foot up beside it without pushing off the floor.",
            "Lower the trailing foot back down slowly, keeping the working knee aligned.",
            "Finish the set on one side, then turn around.",
        ],
        "cues": [
            "The top leg lifts you, not the bottom toe",
            "Knee follows the toes",
            "Place the foot quietly and precisely",
        ],
        "faults": [
            {
                "fault": "Bouncing off the bottom foot.",
                "fix": "Lift the bottom toes before rising so only the top leg can work.",
            },
            {
                "fault": "The knee falls inward on the drive.",
                "fix": "Use a lower step and guide the knee out over the foot as you stand.",
            },
        ],
        "breathing": "Breathe in to brace before each rep and breathe out as you stand up.",
        "laterality": "unilateral",
        "measurement": "reps_load",
        "category": "strength",
        "sources": [RUNNERS],
        "regions": ["quads", "glutes", "hips", "ankles"],
        "equipment": ["step", "dumbbell"],
    },
    {
        "slug": "squat",
        "name": "Squat",
        "summary": (
            "Two-leg squat, bodyweight or holding a weight at the chest, to groove hip, knee "
            "and ankle alignment and trunk bracing."
        ),
        "instructions": [
            "Stand with feet about shoulder-width and toes turned out slightly; hold a weight at the chest if loaded.",
            "Brace the trunk and sit down between the hips, knees following the toes.",
            "Go as deep as you can with heels down and a neutral spine.",
            "Drive through the whole foot to stand up.",
        ],
        "cues": [
            "Knees track the toes",
            "Whole foot on the floor",
            "Chest tall, ribs down",
        ],
        "faults": [
            {
                "fault": "Knees collapse inward on the way up.",
                "fix": "Spread the floor with the feet and slow the ascent; reduce load if needed.",
            },
            {
                "fault": "Heels lift at the bottom.",
                "fix": "Work ankle mobility and squat to a depth where the heels stay down.",
            },
        ],
        "breathing": "Breathe in to brace at the top, hold through the bottom, breathe out as you finish standing.",
        "laterality": "bilateral",
        "measurement": "reps_load",
        "category": "strength",
        "sources": [LEG_LOWERING],
        "regions": ["quads", "glutes", "hips", "core"],
        "equipment": ["dumbbell", "kettlebell"],
        "progressions": ["split-squat"],
    },
    {
        "slug": "split-squat",
        "name": "Split squat",
        "summary": (
            "A staggered-stance squat that loads the front leg while the back leg assists; a "
            "staple of single-leg strength."
        ),
        "instructions": [
            "Take a long stride stance with the feet hip-width apart side to side and the back heel up.",
            "Stand tall and brace.",
            "Lower straight down until the back knee hovers just above the floor.",
            "Drive through the front foot to stand, keeping most of the weight on the front leg.",
            "Finish the set, then switch legs.",
        ],
        "cues": [
            "Straight down, straight up",
            "Front knee follows the toes",
            "Stay tall through the trunk",
        ],
        "faults": [
            {
                "fault": "Feet lined up as if on a tightrope, causing a wobble.",
                "fix": "Widen the feet side to side to about hip-width.",
            },
            {
                "fault": "The front heel lifts and the knee shoots forward.",
                "fix": "Lengthen the stance and keep pressure through the front heel.",
            },
        ],
        "breathing": "Breathe in to brace at the top; breathe out as you drive back up.",
        "laterality": "unilateral",
        "measurement": "reps_load",
        "category": "strength",
        "sources": [RUNNERS],
        "regions": ["quads", "glutes", "hips"],
        "equipment": ["dumbbell"],
        "regressions": ["squat"],
    },
    {
        "slug": "single-arm-farmer-carry",
        "name": "Single-arm farmer carry",
        "summary": (
            "Walk with a heavy weight in one hand; the trunk and each stance hip have to resist "
            "the sideways pull on every step."
        ),
        "instructions": [
            "Pick up a kettlebell or dumbbell in one hand, hinging with a neutral spine.",
            "Stand tall with the shoulders level and the free arm relaxed or held out to the side.",
            "Walk with normal steps, each foot landing under the hip.",
            "Cover the set distance, set the weight down with a hinge, and switch hands.",
        ],
        "cues": [
            "Shoulders level; no leaning",
            "Grow tall away from the weight",
            "Crush the handle",
        ],
        "faults": [
            {
                "fault": "Leaning toward or away from the weight.",
                "fix": "Go lighter until you can walk with shoulders and hips square.",
            },
            {
                "fault": "The loaded shoulder shrugs up or sags down.",
                "fix": "Set the shoulder blade down and back and keep it there.",
            },
        ],
        "breathing": "Brace with a breath in, then take short, steady breaths behind the brace as you walk.",
        "laterality": "unilateral",
        "measurement": "distance",
        "category": "strength",
        "sources": [RUNNERS],
        "regions": ["grip", "core", "shoulders", "upper-back", "hips"],
        "equipment": ["kettlebell", "dumbbell"],
    },
    # ------------------------------------------------------------------ foot and calf
    {
        "slug": "toe-curl",
        "name": "Seated toe curl",
        "summary": "Seated, controlled toe curls to strengthen the small muscles that support the arch.",
        "instructions": [
            "Sit with one bare foot flat on a towel on the floor.",
            "Curl the toes to draw the towel toward you, keeping the heel down.",
            "Relax, spread the toes wide, and repeat.",
            "Work slowly; switch feet after the set.",
        ],
        "cues": [
            "Heel stays planted",
            "Slow squeeze, full release",
            "Spread the toes between reps",
        ],
        "faults": [
            {
                "fault": "The foot rolls out or the ankle does the work.",
                "fix": "Keep the heel and ball of the foot still; only the toes move.",
            },
            {
                "fault": "The arch cramps.",
                "fix": "Do fewer reps, rest, and build up over a few sessions.",
            },
        ],
        "breathing": "Breathe normally and stay relaxed above the ankle.",
        "laterality": "unilateral",
        "measurement": "reps",
        "category": "strength",
        "sources": [RUNNERS],
        "regions": ["feet"],
        "equipment": ["towel"],
        "progressions": ["barefoot-foot-pulse"],
    },
    {
        "slug": "barefoot-foot-pulse",
        "name": "Barefoot foot pulses",
        "summary": (
            "Barefoot on a flat floor, pulse the arch up in short, controlled contractions to "
            "train arch control for the stance phase."
        ),
        "instructions": [
            "Stand or sit barefoot on a flat, firm floor.",
            "Without curling the toes, draw the ball of the foot toward the heel so the arch lifts.",
            "Ease off slightly and repeat in short, rhythmic pulses.",
            "Keep the toes long and relaxed and the big toe on the floor.",
            "Progress from sitting to standing, then to standing on one foot.",
        ],
        "cues": [
            "Toes long, arch lifts",
            "Small and rhythmic",
            "Big toe stays down",
        ],
        "faults": [
            {
                "fault": "The toes claw instead of the arch lifting.",
                "fix": "Slow down and keep the toes flat; the movement comes from the middle of the foot.",
            },
        ],
        "breathing": "Breathe easily throughout.",
        "laterality": "unilateral",
        "measurement": "reps",
        "category": "stability",
        "sources": [RUNNERS],
        "regions": ["feet", "ankles"],
        "regressions": ["toe-curl"],
        "progressions": ["single-leg-calf-raise"],
    },
    {
        "slug": "single-leg-calf-raise",
        "name": "Single-leg calf raise",
        "summary": "Rise onto the ball of one foot and lower slowly to build calf and ankle strength for push-off.",
        "instructions": [
            "Stand on one foot on the edge of a step, fingertips on a wall or rail for balance.",
            "Let the heel sink a little below the step.",
            "Push up through the big toe to the highest point you can reach.",
            "Pause, then lower slowly.",
            "Later, time each rise to a metronome beat for a steady rhythm.",
        ],
        "cues": [
            "Drive through the big toe",
            "Full height, slow lowering",
            "Ankle stays straight; no rolling out",
        ],
        "faults": [
            {
                "fault": "The ankle rolls toward the little toe at the top.",
                "fix": "Press the big toe down and rise only as high as the ankle stays straight.",
            },
            {
                "fault": "Bouncing out of the bottom.",
                "fix": "Pause briefly at the bottom of every rep.",
            },
        ],
        "breathing": "Breathe out on the way up and in on the way down.",
        "laterality": "unilateral",
        "measurement": "reps_load",
        "category": "strength",
        "sources": [RUNNERS],
        "regions": ["calves", "ankles", "feet"],
        "equipment": ["step", "wall", "dumbbell"],
        "regressions": ["barefoot-foot-pulse"],
    },
    # ------------------------------------------------------------------ mobility
    {
        "slug": "hip-opener",
        "name": "Hip opener (90/90 switch)",
        "summary": (
            "Seated drill that turns both hips through inward and outward rotation to free up "
            "the positions single-leg work needs."
        ),
        "instructions": [
            "Sit on the floor with both knees bent about 90 degrees, one leg in front and one to the side.",
            "Sit tall, hands on the floor behind you for support.",
            "Lift the knees and rotate both legs to the other side into the mirror position.",
            "Pause, lean the chest a little over the front shin, then switch back.",
        ],
        "cues": [
            "Tall spine; the hips do the turning",
            "Slow and controlled",
            "Relax into each end position",
        ],
        "faults": [
            {
                "fault": "Rounding the back and collapsing to get the knees over.",
                "fix": "Keep the hands behind for support and use a smaller range until it loosens.",
            },
        ],
        "breathing": "Breathe out as you settle into each position; breathe slowly during the pause.",
        "laterality": "alternating",
        "measurement": "reps",
        "category": "mobility",
        "is_warm_up": True,
        "sources": [RUNNERS],
        "regions": ["hips", "glutes"],
        "equipment": ["mat"],
    },
    {
        "slug": "ankle-dorsiflexion-mobility",
        "name": "Knee-to-wall ankle mobility",
        "summary": (
            "Drive the knee forward over the toes toward a wall to open up ankle bend for "
            "squatting, stepping and running."
        ),
        "instructions": [
            "Face a wall in a split stance with the front toes a few inches from it.",
            "Keep the heel down and bend the front knee toward the wall over the middle toes.",
            "Touch or approach the wall, hold briefly, then return.",
            "Move the foot back a little as it gets easier; switch sides.",
        ],
        "cues": [
            "Heel glued to the floor",
            "Knee over the middle toes",
            "Smooth rocks, no bouncing",
        ],
        "faults": [
            {
                "fault": "The heel lifts.",
                "fix": "Bring the foot closer to the wall until the heel stays down.",
            },
            {
                "fault": "The arch collapses and the knee drifts inward.",
                "fix": "Keep the big toe pressed down and aim the knee over the second or third toe.",
            },
        ],
        "breathing": "Breathe out as the knee moves forward; breathe in as you come back.",
        "laterality": "unilateral",
        "measurement": "reps",
        "category": "mobility",
        "is_warm_up": True,
        "sources": [RUNNERS],
        "regions": ["ankles", "calves", "feet"],
        "equipment": ["wall"],
    },
    # ------------------------------------------------------------------ running-specific
    {
        "slug": "hill-repeats",
        "name": "Hill repeats",
        "summary": (
            "Timed uphill runs with easy recoveries on the way down. Each stance leg loads up on "
            "the climb and has to control braking on the descent."
        ),
        "instructions": [
            "Pick a steady hill and warm up with easy running.",
            "Run up for the set time at a strong, controlled effort, driving the knees and pushing the ground away behind you.",
            "Walk or jog back down with slightly bent knees and light foot strikes to recover.",
            "Keep every rep at the same quality and stop when form starts to fade.",
            "Finish with easy breathing and a few minutes of light mobility.",
        ],
        "cues": [
            "Tall posture, lean from the ankles",
            "Short, quick steps uphill",
            "Light and springy downhill",
        ],
        "faults": [
            {
                "fault": "Overstriding and landing hard on the heel on the way down.",
                "fix": "Shorten the stride and land with the foot under the hips.",
            },
            {
                "fault": "The hip drops or the knee caves as fatigue builds.",
                "fix": "End the session there; only quality reps count.",
            },
        ],
        "breathing": "Let breathing follow the effort on the climb; use the descent for long, slow breaths out.",
        "laterality": "alternating",
        "measurement": "time",
        "category": "conditioning",
        "sources": [RUNNERS],
        "regions": ["calves", "quads", "glutes", "hamstrings"],
        "regressions": ["treadmill-incline-intervals"],
    },
    {
        "slug": "treadmill-incline-intervals",
        "name": "Treadmill incline intervals",
        "summary": (
            "Timed uphill efforts on a treadmill set to an incline: a controlled indoor way to "
            "load each stance leg."
        ),
        "instructions": [
            "Warm up with easy running on a flat setting.",
            "Raise the incline and run the set interval at a strong, steady effort.",
            "Lower the incline or speed for an easy recovery between efforts.",
            "Keep the foot landing under the hip and the pelvis level on every stride.",
            "Stop when you can no longer hold good form.",
        ],
        "cues": [
            "Don't hold the handrails",
            "Quick, light steps",
            "Level pelvis every stride",
        ],
        "faults": [
            {
                "fault": "Hanging onto the handrails.",
                "fix": "Lower the speed or incline until you can run hands-free.",
            },
            {
                "fault": "Form breaks down late in the set.",
                "fix": "Shorten the intervals or cut the number of efforts.",
            },
        ],
        "breathing": "Settle into a steady breathing rhythm on each effort and recover with slow breaths out.",
        "laterality": "alternating",
        "measurement": "time",
        "category": "conditioning",
        "sources": [RUNNERS],
        "regions": ["calves", "quads", "glutes", "hamstrings"],
        "progressions": ["hill-repeats"],
    },
]
