import type { Guidance, RedFlags } from './types';

/** Advice that applies after any hands-on session, reused by several techniques. */
const HYDRATION =
  'Drink water as you normally would through the day. There is no need to force extra fluids; staying comfortably hydrated simply helps you feel well.';
const HEAT =
  'For stiffness or tight muscles, warmth helps: a warm shower, or a heat pack wrapped in a towel for 15–20 minutes. Never sleep on a heat pack.';
const COLD =
  'If an area feels hot, swollen or bruised, use cold instead of heat: an ice pack wrapped in a thin towel for 10–15 minutes, a few times a day for the first 48 hours. Never put ice directly on the skin.';
const MOVE = 'Gentle movement, such as an easy walk, usually eases soreness faster than resting completely.';

/** The same advice in German (`translations.de`). */
const HYDRATION_DE =
  'Trinken Sie über den Tag wie gewohnt. Sie müssen nicht zusätzlich viel trinken; ausreichend Flüssigkeit hilft einfach, sich wohlzufühlen.';
const HEAT_DE =
  'Bei Steifheit oder verspannten Muskeln hilft Wärme: eine warme Dusche oder eine in ein Handtuch gewickelte Wärmflasche für 15–20 Minuten. Schlafen Sie nie auf einer Wärmflasche ein.';
const COLD_DE =
  'Wenn sich eine Stelle heiß, geschwollen oder geprellt anfühlt, kühlen Sie statt zu wärmen: ein in ein dünnes Tuch gewickeltes Kühlpack für 10–15 Minuten, in den ersten 48 Stunden mehrmals täglich. Eis nie direkt auf die Haut legen.';
const MOVE_DE =
  'Sanfte Bewegung, etwa ein ruhiger Spaziergang, lindert Muskelkater meist schneller als völlige Schonung.';

export const builtInTechniques: readonly Guidance[] = [
  {
    code: 'general',
    title: 'General advice',
    points: [
      'Most people feel looser and more relaxed after treatment. Some feel a little tired or mildly sore for a day or two; this is common and should ease each day.',
      MOVE,
      HYDRATION,
      HEAT,
      COLD,
      'Get up slowly after lying down for a while, in case you feel light-headed.',
    ],
    suggestedExercises: ['gentle-walk', 'diaphragmatic-breathing'],
    translations: {
      de: {
        title: 'Allgemeine Hinweise',
        points: [
          'Die meisten Menschen fühlen sich nach der Behandlung lockerer und entspannter. Manche sind ein oder zwei Tage etwas müde oder leicht verspannt; das ist häufig und sollte von Tag zu Tag nachlassen.',
          MOVE_DE,
          HYDRATION_DE,
          HEAT_DE,
          COLD_DE,
          'Stehen Sie nach längerem Liegen langsam auf, falls Ihnen schwindelig wird.',
        ],
      },
    },
  },
  {
    code: 'deep-tissue',
    title: 'After deep tissue massage',
    points: [
      'Deep tissue work reaches the deeper layers of muscle. Mild soreness or tenderness for 24–48 hours afterwards, similar to the feeling after a workout, is common and normal. It should ease a little each day.',
      'Some light bruising can occasionally appear, especially where there was a lot of tension. It fades on its own.',
      'Avoid hard training or heavy lifting with the treated muscles for about 24 hours; normal daily activity is fine.',
      MOVE,
      HYDRATION,
      HEAT,
      COLD,
      'Soreness that is getting worse rather than better after 48 hours, or that has not settled after 3 days, is not expected: please let us know.',
    ],
    suggestedExercises: ['gentle-walk'],
    translations: {
      de: {
        title: 'Nach einer Tiefengewebsmassage',
        points: [
          'Bei der Tiefengewebsmassage werden die tieferen Muskelschichten behandelt. Leichter Muskelkater oder Druckempfindlichkeit für 24–48 Stunden danach, ähnlich wie nach dem Sport, ist häufig und normal. Das sollte von Tag zu Tag etwas nachlassen.',
          'Gelegentlich können leichte blaue Flecken entstehen, besonders dort, wo viel Spannung war. Sie verblassen von selbst.',
          'Verzichten Sie etwa 24 Stunden lang auf hartes Training oder schweres Heben mit den behandelten Muskeln; normale Alltagsaktivitäten sind in Ordnung.',
          MOVE_DE,
          HYDRATION_DE,
          HEAT_DE,
          COLD_DE,
          'Muskelkater, der nach 48 Stunden stärker statt schwächer wird oder nach 3 Tagen nicht abgeklungen ist, ist nicht zu erwarten: Bitte geben Sie uns Bescheid.',
        ],
      },
    },
  },
  {
    code: 'myofascial-release',
    title: 'After myofascial release',
    points: [
      'Myofascial release uses slow, sustained pressure and stretch. Afterwards you may feel looser, lighter, or a little tired; a mild ache for a day or so can happen.',
      'Gentle, regular movement and your stretches help keep the new freedom of movement. Stretch slowly to a mild pull, never to pain, and do not bounce.',
      HYDRATION,
      HEAT,
    ],
    suggestedExercises: ['gentle-walk', 'diaphragmatic-breathing'],
    translations: {
      de: {
        title: 'Nach einer myofaszialen Behandlung (Myofascial Release)',
        points: [
          'Bei der myofaszialen Behandlung wird mit langsamem, anhaltendem Druck und Dehnung gearbeitet. Danach fühlen Sie sich vielleicht lockerer, leichter oder etwas müde; ein leichtes Ziehen für etwa einen Tag kann vorkommen.',
          'Sanfte, regelmäßige Bewegung und Ihre Dehnübungen helfen, die neu gewonnene Beweglichkeit zu erhalten. Dehnen Sie langsam bis zu einem leichten Ziehen, nie bis zum Schmerz, und wippen Sie nicht.',
          HYDRATION_DE,
          HEAT_DE,
        ],
      },
    },
  },
  {
    code: 'trigger-point',
    title: 'After trigger point therapy',
    points: [
      'The points that were treated may feel tender or bruised for 1–2 days. Any pain they were sending to other areas should fade over the next few days.',
      'Warmth helps tender points settle. Gentle stretching of the treated muscles through their full, comfortable range helps them stay relaxed.',
      'Please do not press hard on the points yourself unless your therapist has shown you how.',
      'Notice what tends to bring the tension back (long hours at a screen, carrying bags, stress) and mention it at your next visit.',
      HYDRATION,
    ],
    suggestedExercises: ['diaphragmatic-breathing'],
    translations: {
      de: {
        title: 'Nach einer Triggerpunkt-Therapie',
        points: [
          'Die behandelten Punkte können sich 1–2 Tage lang empfindlich oder wie geprellt anfühlen. Schmerzen, die von dort in andere Bereiche ausgestrahlt haben, sollten in den nächsten Tagen nachlassen.',
          'Wärme hilft empfindlichen Punkten, sich zu beruhigen. Sanftes Dehnen der behandelten Muskeln im vollen, angenehmen Bewegungsumfang hilft ihnen, entspannt zu bleiben.',
          'Bitte drücken Sie nicht selbst fest auf die Punkte, es sei denn, Ihr Therapeut oder Ihre Therapeutin hat es Ihnen gezeigt.',
          'Achten Sie darauf, wodurch die Verspannung zurückkommt (lange Bildschirmarbeit, das Tragen von Taschen, Stress), und erzählen Sie uns beim nächsten Termin davon.',
          HYDRATION_DE,
        ],
      },
    },
  },
  {
    code: 'swedish',
    title: 'After a Swedish massage',
    points: [
      'Swedish massage is relaxing and gentle. Feeling calm, sleepy or a little light-headed afterwards is normal: take your time getting up and, if you can, keep the rest of the day easy.',
      'Mild soreness is uncommon but can happen where muscles were tight; it should pass within a day or two.',
      HYDRATION,
    ],
    suggestedExercises: ['diaphragmatic-breathing', 'gentle-walk'],
    translations: {
      de: {
        title: 'Nach einer klassischen (schwedischen) Massage',
        points: [
          'Die klassische Massage ist entspannend und sanft. Danach ruhig, schläfrig oder etwas benommen zu sein, ist normal: Stehen Sie in Ruhe auf und lassen Sie den restlichen Tag, wenn möglich, ruhig angehen.',
          'Leichter Muskelkater ist selten, kann aber dort auftreten, wo die Muskeln verspannt waren; er sollte innerhalb von ein bis zwei Tagen vergehen.',
          HYDRATION_DE,
        ],
      },
    },
  },
  {
    code: 'sports',
    title: 'After sports massage',
    points: [
      'Sports massage can leave the treated muscles feeling worked, like after a training session. Soreness for 24–48 hours is common.',
      'Keep training light for the next day (an easy session or active recovery) and build back to full intensity as the soreness clears.',
      'Before your next hard session, warm up thoroughly.',
      HYDRATION,
      HEAT,
      COLD,
    ],
    suggestedExercises: ['gentle-walk'],
    translations: {
      de: {
        title: 'Nach einer Sportmassage',
        points: [
          'Nach einer Sportmassage können sich die behandelten Muskeln beansprucht anfühlen, wie nach einer Trainingseinheit. Muskelkater für 24–48 Stunden ist häufig.',
          'Trainieren Sie am nächsten Tag nur leicht (eine lockere Einheit oder aktive Erholung) und steigern Sie sich wieder auf volle Intensität, wenn der Muskelkater abklingt.',
          'Wärmen Sie sich vor Ihrer nächsten intensiven Einheit gründlich auf.',
          HYDRATION_DE,
          HEAT_DE,
          COLD_DE,
        ],
      },
    },
  },
  {
    code: 'stretching',
    title: 'After assisted stretching',
    points: [
      'You may feel looser and have more range of movement. Regular gentle stretching at home helps you keep it.',
      'Stretch to a feeling of mild tension, never pain. Hold each stretch steadily, breathe slowly, and do not bounce.',
      'Stretching is easiest when the muscles are warm, for example after a walk or a warm shower.',
      'Mild tightness the next day is normal; sharp pain is not.',
    ],
    suggestedExercises: ['gentle-walk'],
    translations: {
      de: {
        title: 'Nach assistiertem Dehnen',
        points: [
          'Sie fühlen sich vielleicht lockerer und beweglicher. Regelmäßiges, sanftes Dehnen zu Hause hilft Ihnen, diese Beweglichkeit zu erhalten.',
          'Dehnen Sie bis zu einem Gefühl leichter Spannung, nie bis zum Schmerz. Halten Sie jede Dehnung ruhig, atmen Sie langsam und wippen Sie nicht.',
          'Dehnen fällt am leichtesten, wenn die Muskeln warm sind, zum Beispiel nach einem Spaziergang oder einer warmen Dusche.',
          'Ein leichtes Spannungsgefühl am nächsten Tag ist normal, scharfe Schmerzen sind es nicht.',
        ],
      },
    },
  },
];

export const builtInAreas: readonly Guidance[] = [
  {
    code: 'general',
    title: 'General care',
    points: [
      'Keep the treated areas moving gently through the day; avoid staying in one position for long.',
      'Use warmth for stiffness and cold for any area that feels hot or swollen.',
      'Do the exercises your therapist gave you; little and often works best.',
    ],
    suggestedExercises: ['gentle-walk'],
    translations: {
      de: {
        title: 'Allgemeine Pflege',
        points: [
          'Bewegen Sie die behandelten Bereiche über den Tag sanft; bleiben Sie nicht lange in derselben Haltung.',
          'Wärme hilft bei Steifheit, Kälte bei Stellen, die sich heiß oder geschwollen anfühlen.',
          'Machen Sie die Übungen, die Ihnen Ihr Therapeut oder Ihre Therapeutin gegeben hat: lieber kurz und häufig.',
        ],
      },
    },
  },
  {
    code: 'neck',
    title: 'Your neck',
    points: [
      'Set screens at eye level and take a short movement break every 30–45 minutes.',
      'Sleep with a pillow that keeps your neck level with the rest of your spine.',
      'Avoid clicking or "cracking" your own neck.',
      'Warmth across the back of the neck and shoulders helps with stiffness.',
    ],
    suggestedExercises: ['chin-tuck', 'upper-trapezius-stretch', 'levator-scapulae-stretch', 'neck-rotation'],
    translations: {
      de: {
        title: 'Ihr Nacken',
        points: [
          'Stellen Sie Bildschirme auf Augenhöhe ein und machen Sie alle 30–45 Minuten eine kurze Bewegungspause.',
          'Schlafen Sie mit einem Kissen, das Ihren Nacken in einer Linie mit der übrigen Wirbelsäule hält.',
          'Lassen Sie Ihren Nacken nicht selbst „knacken“.',
          'Wärme im hinteren Nacken- und Schulterbereich hilft bei Steifheit.',
        ],
      },
    },
  },
  {
    code: 'shoulders',
    title: 'Your shoulders',
    points: [
      'Carry bags on alternate shoulders, or use a backpack with both straps.',
      'Keep your shoulders moving within a comfortable range; avoid long periods with your arms held up or forward.',
      'When sitting, let your arms rest supported rather than hanging or held up.',
    ],
    suggestedExercises: ['doorway-chest-stretch', 'shoulder-rolls', 'shoulder-blade-squeeze', 'pendulum'],
    translations: {
      de: {
        title: 'Ihre Schultern',
        points: [
          'Tragen Sie Taschen abwechselnd auf beiden Schultern oder nutzen Sie einen Rucksack mit beiden Trägern.',
          'Bewegen Sie Ihre Schultern in einem angenehmen Bewegungsumfang; vermeiden Sie es, die Arme lange erhoben oder nach vorn gestreckt zu halten.',
          'Lassen Sie im Sitzen die Arme abgestützt ruhen, statt sie hängen zu lassen oder hochzuhalten.',
        ],
      },
    },
  },
  {
    code: 'upper-back',
    title: 'Your upper back',
    points: [
      'Break up long periods of sitting: stand, stretch tall and roll your shoulders every half hour or so.',
      'Sit with your back supported and your screen at eye level so you are not hunching forward.',
      'Warmth between the shoulder blades can ease stiffness.',
    ],
    suggestedExercises: ['thoracic-extension-chair', 'open-book', 'wall-angels', 'cat-cow', 'doorway-chest-stretch'],
    translations: {
      de: {
        title: 'Ihr oberer Rücken',
        points: [
          'Unterbrechen Sie langes Sitzen: Stehen Sie etwa jede halbe Stunde auf, strecken Sie sich und kreisen Sie die Schultern.',
          'Sitzen Sie mit gestütztem Rücken und dem Bildschirm auf Augenhöhe, damit Sie nicht nach vorn zusammensinken.',
          'Wärme zwischen den Schulterblättern kann Steifheit lindern.',
        ],
      },
    },
  },
  {
    code: 'lower-back',
    title: 'Your lower back',
    points: [
      'Keep moving: short, regular walks are better for the back than bed rest.',
      'When lifting, bend your knees, keep the load close to your body and avoid twisting.',
      'Change position regularly when sitting; a small cushion behind the lower back can help.',
      'Warmth is often soothing for a stiff lower back.',
    ],
    suggestedExercises: [
      'pelvic-tilt',
      'knee-to-chest',
      'lower-trunk-rotation',
      'cat-cow',
      'childs-pose',
      'gentle-walk',
    ],
    translations: {
      de: {
        title: 'Ihr unterer Rücken',
        points: [
          'Bleiben Sie in Bewegung: Kurze, regelmäßige Spaziergänge tun dem Rücken besser als Bettruhe.',
          'Gehen Sie beim Heben in die Knie, halten Sie die Last nah am Körper und vermeiden Sie Drehbewegungen.',
          'Wechseln Sie im Sitzen regelmäßig die Position; ein kleines Kissen hinter dem unteren Rücken kann helfen.',
          'Wärme tut einem steifen unteren Rücken oft gut.',
        ],
      },
    },
  },
  {
    code: 'hips',
    title: 'Your hips',
    points: [
      'Avoid sitting for long periods with your legs crossed; stand up and move regularly.',
      'When standing, keep your weight even on both feet rather than leaning into one hip.',
    ],
    suggestedExercises: ['hip-flexor-stretch', 'clamshell', 'figure-four-stretch', 'bridge'],
    translations: {
      de: {
        title: 'Ihre Hüften',
        points: [
          'Sitzen Sie nicht lange mit übereinandergeschlagenen Beinen; stehen Sie regelmäßig auf und bewegen Sie sich.',
          'Verteilen Sie im Stehen Ihr Gewicht gleichmäßig auf beide Füße, statt es auf eine Hüfte zu verlagern.',
        ],
      },
    },
  },
  {
    code: 'glutes',
    title: 'Your buttock muscles',
    points: [
      'If sitting is uncomfortable, use a cushion and get up to move often.',
      'Gentle stretching and strengthening help these muscles support your lower back and hips.',
    ],
    suggestedExercises: ['figure-four-stretch', 'bridge', 'clamshell'],
    translations: {
      de: {
        title: 'Ihre Gesäßmuskeln',
        points: [
          'Wenn Sitzen unangenehm ist, nutzen Sie ein Kissen und stehen Sie oft auf, um sich zu bewegen.',
          'Sanftes Dehnen und Kräftigen hilft diesen Muskeln, Ihren unteren Rücken und Ihre Hüften zu stützen.',
        ],
      },
    },
  },
  {
    code: 'hamstrings',
    title: 'The back of your thighs',
    points: [
      'Stretch slowly and steadily; bouncing can strain the muscle.',
      'A stretch behind the thigh is expected; tingling or pain travelling down the leg is not. Stop if that happens.',
      'Warm up before running or sport.',
    ],
    suggestedExercises: ['supine-hamstring-stretch', 'seated-hamstring-stretch', 'bridge'],
    translations: {
      de: {
        title: 'Die Rückseite Ihrer Oberschenkel',
        points: [
          'Dehnen Sie langsam und gleichmäßig; Wippen kann den Muskel überlasten.',
          'Ein Dehngefühl an der Oberschenkelrückseite ist zu erwarten; Kribbeln oder Schmerzen, die ins Bein ausstrahlen, dagegen nicht. Hören Sie in diesem Fall auf.',
          'Wärmen Sie sich vor dem Laufen oder Sport auf.',
        ],
      },
    },
  },
  {
    code: 'calves',
    title: 'Your calves',
    points: [
      'Gentle walking and calf stretches help the calves recover.',
      'Supportive footwear helps; avoid long periods in very high or completely flat shoes for a day or two.',
      'A calf that becomes swollen, warm, red and painful is not normal treatment soreness: seek medical help straight away.',
    ],
    suggestedExercises: ['calf-wall-stretch', 'soleus-stretch', 'heel-raises', 'gentle-walk'],
    translations: {
      de: {
        title: 'Ihre Waden',
        points: [
          'Ruhiges Gehen und Wadendehnungen helfen den Waden, sich zu erholen.',
          'Gut stützende Schuhe helfen; tragen Sie ein, zwei Tage lang nicht über längere Zeit sehr hohe oder ganz flache Schuhe.',
          'Eine Wade, die geschwollen, warm, gerötet und schmerzhaft wird, ist kein normaler Muskelkater nach der Behandlung: Suchen Sie sofort ärztliche Hilfe.',
        ],
      },
    },
  },
  {
    code: 'forearms',
    title: 'Your forearms and wrists',
    points: [
      'Take short breaks from typing, mouse work and gripping tools: every 30 minutes or so, shake out your hands and stretch.',
      'Keep your wrists straight and relaxed when typing.',
      'Warmth helps tight forearm muscles; cold helps if the wrist or elbow feels hot or swollen.',
    ],
    suggestedExercises: ['wrist-flexor-stretch', 'wrist-extensor-stretch', 'tendon-glides'],
    translations: {
      de: {
        title: 'Ihre Unterarme und Handgelenke',
        points: [
          'Machen Sie kurze Pausen vom Tippen, von der Mausarbeit und vom Greifen von Werkzeugen: Schütteln Sie etwa alle 30 Minuten die Hände aus und dehnen Sie sich.',
          'Halten Sie die Handgelenke beim Tippen gerade und locker.',
          'Wärme hilft verspannten Unterarmmuskeln; Kälte hilft, wenn sich Handgelenk oder Ellbogen heiß oder geschwollen anfühlen.',
        ],
      },
    },
  },
  {
    code: 'jaw',
    title: 'Your jaw',
    points: [
      'For a day or so, choose softer foods and avoid chewing gum, very chewy or hard foods.',
      'Keep your teeth slightly apart and your jaw relaxed; notice and let go of clenching during the day.',
      'Support your chin with your hand when you yawn.',
      'A warm, damp cloth on the side of the face for 10 minutes can ease tight jaw muscles.',
    ],
    suggestedExercises: ['jaw-relaxation', 'controlled-jaw-opening', 'diaphragmatic-breathing'],
    translations: {
      de: {
        title: 'Ihr Kiefer',
        points: [
          'Essen Sie etwa einen Tag lang eher weiche Speisen und verzichten Sie auf Kaugummi sowie sehr zähe oder harte Lebensmittel.',
          'Halten Sie die Zähne leicht auseinander und den Kiefer locker; achten Sie tagsüber darauf, ob Sie die Zähne zusammenbeißen, und lassen Sie dann bewusst los.',
          'Stützen Sie beim Gähnen das Kinn mit der Hand.',
          'Ein warmes, feuchtes Tuch seitlich auf dem Gesicht für 10 Minuten kann verspannte Kiefermuskeln lockern.',
        ],
      },
    },
  },
];

export const builtInRedFlags: RedFlags = {
  callClinic: [
    'soreness that gets worse instead of better after 48 hours, or has not settled after 3 days',
    'new numbness, tingling or weakness in an arm or leg',
    'bruising, swelling, or an area that is hot and red where you were treated',
    'an exercise that causes sharp pain',
    'anything else that worries you',
  ],
  urgent: [
    'chest pain or sudden shortness of breath',
    'a calf or leg that is suddenly swollen, warm, red and painful',
    'a sudden, severe headache, or difficulty speaking, seeing or moving one side of the body',
    'loss of bladder or bowel control, or numbness around the genitals or buttocks',
    'back or neck pain with a high temperature or feeling very unwell',
  ],
  translations: {
    de: {
      callClinic: [
        'Muskelkater, der nach 48 Stunden stärker statt schwächer wird oder nach 3 Tagen nicht abgeklungen ist',
        'neue Taubheit, neues Kribbeln oder neue Schwäche in einem Arm oder Bein',
        'Blutergüsse, Schwellungen oder eine heiße, gerötete Stelle im behandelten Bereich',
        'eine Übung, die scharfe Schmerzen verursacht',
        'alles andere, was Sie beunruhigt',
      ],
      urgent: [
        'Brustschmerzen oder plötzliche Atemnot',
        'eine plötzlich geschwollene, warme, gerötete und schmerzhafte Wade oder ein solches Bein',
        'plötzliche, sehr starke Kopfschmerzen oder Schwierigkeiten beim Sprechen, Sehen oder Bewegen einer Körperseite',
        'Verlust der Kontrolle über Blase oder Darm oder Taubheit im Genital- oder Gesäßbereich',
        'Rücken- oder Nackenschmerzen mit hohem Fieber oder starkem Krankheitsgefühl',
      ],
    },
  },
};
