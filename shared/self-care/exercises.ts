import type { Exercise } from './types';

/**
 * The built-in exercises. Gentle, low-load movements a patient can do at home without
 * equipment (a towel, a wall, a chair). Each says how much, how often and when to stop.
 */

const STOP_COMMON = [
  'sharp, stabbing or shooting pain',
  'numbness, tingling or pins and needles',
  'dizziness or feeling faint',
] as const;

const STOP_NECK = [
  ...STOP_COMMON,
  'headache that starts or gets worse',
  'blurred or double vision, or ringing in the ears',
] as const;

const STOP_LEG = [...STOP_COMMON, 'pain that travels down the leg'] as const;

const STOP_ARM = [...STOP_COMMON, 'pain that travels down the arm into the hand'] as const;

const STOP_JAW = [...STOP_COMMON, 'your jaw locks or catches', 'clicking that comes with pain'] as const;

/** The same reasons to stop, in German (`translations.de.stopIf`), item for item. */
const STOP_COMMON_DE = [
  'scharfe, stechende oder einschießende Schmerzen',
  'Taubheit, Kribbeln oder Ameisenlaufen',
  'Schwindel oder Schwächegefühl',
] as const;

const STOP_NECK_DE = [
  ...STOP_COMMON_DE,
  'Kopfschmerzen, die beginnen oder stärker werden',
  'verschwommenes oder doppeltes Sehen oder Ohrgeräusche',
] as const;

const STOP_LEG_DE = [...STOP_COMMON_DE, 'Schmerzen, die ins Bein ausstrahlen'] as const;

const STOP_ARM_DE = [...STOP_COMMON_DE, 'Schmerzen, die über den Arm bis in die Hand ausstrahlen'] as const;

const STOP_JAW_DE = [
  ...STOP_COMMON_DE,
  'Blockieren oder Hängenbleiben des Kiefers',
  'Knacken, das mit Schmerzen einhergeht',
] as const;

const CALF = 'a calf that becomes swollen, warm or red (call us or a doctor straight away)';
const CALF_DE =
  'eine Wade, die geschwollen, warm oder gerötet wird (rufen Sie sofort uns oder eine Ärztin bzw. einen Arzt an)';

export const builtInExercises: readonly Exercise[] = [
  // Neck
  {
    id: 'chin-tuck',
    title: 'Chin tuck',
    purpose: 'Strengthens the deep muscles at the front of the neck and eases strain from a forward head posture.',
    steps: [
      'Sit or stand tall with your shoulders relaxed and your eyes looking straight ahead.',
      'Gently glide your chin straight back, as if making a double chin. Keep your head level: do not tip it up or down.',
      'You should feel a mild stretch at the base of your skull.',
      'Hold, then slowly return to the start.',
    ],
    dose: 'Hold 5 seconds; repeat 10 times',
    frequency: '3 times a day, and whenever you notice yourself leaning towards a screen',
    stopIf: STOP_NECK,
    areas: ['neck', 'upper-back'],
    translations: {
      de: {
        title: 'Kinn zurückschieben (Chin Tuck)',
        purpose: 'Kräftigt die tiefe vordere Halsmuskulatur und entlastet bei vorgeschobener Kopfhaltung.',
        steps: [
          'Setzen oder stellen Sie sich aufrecht hin, die Schultern locker, den Blick geradeaus.',
          'Schieben Sie das Kinn sanft waagerecht nach hinten, als wollten Sie ein Doppelkinn machen. Den Kopf dabei nicht nach oben oder unten kippen.',
          'Sie sollten eine leichte Dehnung am Übergang vom Kopf zum Nacken spüren.',
          'Halten Sie die Position und kehren Sie dann langsam zurück.',
        ],
        dose: '5 Sekunden halten; 10-mal wiederholen',
        frequency: '3-mal täglich und immer dann, wenn Sie merken, dass Sie sich zum Bildschirm vorbeugen',
        stopIf: STOP_NECK_DE,
      },
    },
  },
  {
    id: 'upper-trapezius-stretch',
    title: 'Side neck stretch',
    purpose: 'Stretches the muscles between the side of the neck and the top of the shoulder.',
    steps: [
      'Sit tall and hold the edge of the chair seat with your right hand to keep that shoulder down.',
      'Slowly tilt your left ear towards your left shoulder until you feel a gentle stretch on the right side of your neck.',
      'Keep your face looking forward and breathe slowly.',
      'Come back to the middle slowly, then repeat on the other side.',
    ],
    dose: 'Hold 20–30 seconds; 2–3 times each side',
    frequency: '2–3 times a day',
    stopIf: STOP_NECK,
    areas: ['neck', 'shoulders'],
    translations: {
      de: {
        title: 'Seitliche Nackendehnung',
        purpose: 'Dehnt die Muskeln zwischen der Seite des Halses und der Oberseite der Schulter.',
        steps: [
          'Setzen Sie sich aufrecht hin und halten Sie sich mit der rechten Hand an der Kante der Sitzfläche fest, damit diese Schulter unten bleibt.',
          'Neigen Sie das linke Ohr langsam zur linken Schulter, bis Sie eine sanfte Dehnung auf der rechten Halsseite spüren.',
          'Schauen Sie dabei weiter nach vorn und atmen Sie langsam.',
          'Kommen Sie langsam zurück zur Mitte und wiederholen Sie die Übung auf der anderen Seite.',
        ],
        dose: '20–30 Sekunden halten; 2–3-mal pro Seite',
        frequency: '2–3-mal täglich',
        stopIf: STOP_NECK_DE,
      },
    },
  },
  {
    id: 'levator-scapulae-stretch',
    title: 'Neck and shoulder-blade stretch',
    purpose: 'Stretches the muscle running from the neck to the top corner of the shoulder blade.',
    steps: [
      'Sit tall and hold the chair seat with your right hand.',
      'Turn your head about halfway to the left, then gently lower your nose towards your left armpit.',
      'If you want a little more stretch, rest your left hand lightly on the back of your head. Do not pull.',
      'Return slowly to the middle and repeat on the other side.',
    ],
    dose: 'Hold 20–30 seconds; 2–3 times each side',
    frequency: '2 times a day',
    stopIf: STOP_NECK,
    areas: ['neck', 'shoulders', 'upper-back'],
    translations: {
      de: {
        title: 'Dehnung von Nacken und Schulterblatt',
        purpose: 'Dehnt den Muskel, der vom Hals zur oberen Ecke des Schulterblatts verläuft.',
        steps: [
          'Setzen Sie sich aufrecht hin und halten Sie sich mit der rechten Hand an der Sitzfläche fest.',
          'Drehen Sie den Kopf etwa zur Hälfte nach links und senken Sie dann die Nase sanft in Richtung linke Achsel.',
          'Wenn Sie etwas mehr Dehnung möchten, legen Sie die linke Hand leicht auf den Hinterkopf. Ziehen Sie nicht.',
          'Kehren Sie langsam zur Mitte zurück und wiederholen Sie die Übung auf der anderen Seite.',
        ],
        dose: '20–30 Sekunden halten; 2–3-mal pro Seite',
        frequency: '2-mal täglich',
        stopIf: STOP_NECK_DE,
      },
    },
  },
  {
    id: 'neck-rotation',
    title: 'Gentle neck turns',
    purpose: 'Keeps the neck moving comfortably through its range after treatment.',
    steps: [
      'Sit tall with your shoulders relaxed.',
      'Slowly turn your head to look over your right shoulder as far as is comfortable.',
      'Pause, then slowly turn to look over your left shoulder.',
      'Move smoothly; do not force the end of the movement.',
    ],
    dose: '10 slow turns each way',
    frequency: '3 times a day',
    stopIf: STOP_NECK,
    areas: ['neck'],
    translations: {
      de: {
        title: 'Sanftes Kopfdrehen',
        purpose: 'Hält den Nacken nach der Behandlung in seinem ganzen Bewegungsumfang angenehm beweglich.',
        steps: [
          'Setzen Sie sich aufrecht hin, die Schultern locker.',
          'Drehen Sie den Kopf langsam und schauen Sie über die rechte Schulter, so weit es angenehm ist.',
          'Halten Sie kurz inne und drehen Sie den Kopf dann langsam, um über die linke Schulter zu schauen.',
          'Bewegen Sie sich gleichmäßig; erzwingen Sie das Ende der Bewegung nicht.',
        ],
        dose: '10 langsame Drehungen zu jeder Seite',
        frequency: '3-mal täglich',
        stopIf: STOP_NECK_DE,
      },
    },
  },
  // Shoulders and upper back
  {
    id: 'doorway-chest-stretch',
    title: 'Doorway chest stretch',
    purpose: 'Opens the chest and front of the shoulders, which often tighten with desk work.',
    steps: [
      'Stand in a doorway and place your forearms on the door frame, elbows at about shoulder height.',
      'Step one foot forward and gently lean through the doorway until you feel a stretch across the front of your chest and shoulders.',
      'Keep your back straight and your shoulders down, away from your ears.',
      'Breathe slowly, then step back to release.',
    ],
    dose: 'Hold 20–30 seconds; repeat 3 times',
    frequency: '2–3 times a day',
    stopIf: STOP_ARM,
    areas: ['shoulders', 'upper-back'],
    translations: {
      de: {
        title: 'Brustdehnung im Türrahmen',
        purpose: 'Öffnet den Brustkorb und die Vorderseite der Schultern, die bei Schreibtischarbeit oft verspannen.',
        steps: [
          'Stellen Sie sich in einen Türrahmen und legen Sie die Unterarme an den Rahmen, die Ellbogen etwa auf Schulterhöhe.',
          'Machen Sie mit einem Fuß einen Schritt nach vorn und lehnen Sie sich sanft durch die Tür, bis Sie eine Dehnung quer über Brust und Vorderseite der Schultern spüren.',
          'Halten Sie den Rücken gerade und die Schultern unten, weg von den Ohren.',
          'Atmen Sie langsam und lösen Sie die Dehnung dann mit einem Schritt zurück.',
        ],
        dose: '20–30 Sekunden halten; 3-mal wiederholen',
        frequency: '2–3-mal täglich',
        stopIf: STOP_ARM_DE,
      },
    },
  },
  {
    id: 'shoulder-blade-squeeze',
    title: 'Shoulder blade squeeze',
    purpose: 'Strengthens the muscles between the shoulder blades that support an upright posture.',
    steps: [
      'Sit or stand tall with your arms relaxed by your sides.',
      'Gently draw your shoulder blades back and down, as if tucking them into your back pockets.',
      'Keep your neck relaxed and do not shrug.',
      'Hold, then slowly relax.',
    ],
    dose: 'Hold 5 seconds; repeat 10 times',
    frequency: '2–3 times a day',
    stopIf: STOP_ARM,
    areas: ['shoulders', 'upper-back'],
    translations: {
      de: {
        title: 'Schulterblätter zusammenziehen',
        purpose: 'Kräftigt die Muskeln zwischen den Schulterblättern, die eine aufrechte Haltung unterstützen.',
        steps: [
          'Setzen oder stellen Sie sich aufrecht hin, die Arme locker neben dem Körper.',
          'Ziehen Sie die Schulterblätter sanft nach hinten und unten, als wollten Sie sie in Ihre Gesäßtaschen stecken.',
          'Lassen Sie den Nacken locker und ziehen Sie die Schultern nicht hoch.',
          'Halten Sie die Position und entspannen Sie dann langsam.',
        ],
        dose: '5 Sekunden halten; 10-mal wiederholen',
        frequency: '2–3-mal täglich',
        stopIf: STOP_ARM_DE,
      },
    },
  },
  {
    id: 'shoulder-rolls',
    title: 'Shoulder rolls',
    purpose: 'Loosens the shoulders and upper back after sitting or treatment.',
    steps: [
      'Sit or stand with your arms relaxed.',
      'Slowly lift your shoulders towards your ears, roll them back, then let them drop down.',
      'Make the circles smooth and as big as is comfortable.',
      'After the backward rolls, do the same number forwards.',
    ],
    dose: '10 rolls backwards, then 10 forwards',
    frequency: 'Several times a day, especially during long periods of sitting',
    stopIf: STOP_ARM,
    areas: ['shoulders', 'neck'],
    translations: {
      de: {
        title: 'Schulterkreisen',
        purpose: 'Lockert Schultern und oberen Rücken nach dem Sitzen oder nach der Behandlung.',
        steps: [
          'Setzen oder stellen Sie sich hin, die Arme locker.',
          'Ziehen Sie die Schultern langsam Richtung Ohren, rollen Sie sie nach hinten und lassen Sie sie dann nach unten sinken.',
          'Machen Sie die Kreise gleichmäßig und so groß, wie es angenehm ist.',
          'Kreisen Sie danach genauso oft nach vorn.',
        ],
        dose: '10-mal nach hinten kreisen, dann 10-mal nach vorn',
        frequency: 'Mehrmals täglich, besonders wenn Sie lange sitzen',
        stopIf: STOP_ARM_DE,
      },
    },
  },
  {
    id: 'pendulum',
    title: 'Shoulder pendulum',
    purpose: 'Lets a stiff or sore shoulder move gently without the muscles having to work hard.',
    steps: [
      'Stand beside a table and rest your good hand on it. Lean forward slightly and let the other arm hang down loosely.',
      'Gently sway your body so that the hanging arm swings in small circles, letting gravity do the work.',
      'Circle one way, then the other, then swing forwards and backwards.',
      'Stand up slowly when you finish.',
    ],
    dose: '30–60 seconds in each direction',
    frequency: '2–3 times a day',
    stopIf: STOP_ARM,
    areas: ['shoulders'],
    translations: {
      de: {
        title: 'Pendelübung für die Schulter',
        purpose: 'Bewegt eine steife oder schmerzende Schulter sanft, ohne dass die Muskeln viel arbeiten müssen.',
        steps: [
          'Stellen Sie sich neben einen Tisch und stützen Sie die Hand der nicht betroffenen Seite darauf. Beugen Sie sich leicht nach vorn und lassen Sie den anderen Arm locker hängen.',
          'Bewegen Sie Ihren Körper sanft hin und her, sodass der hängende Arm in kleinen Kreisen schwingt; die Schwerkraft übernimmt die Arbeit.',
          'Kreisen Sie in die eine Richtung, dann in die andere, und schwingen Sie den Arm anschließend vor und zurück.',
          'Richten Sie sich am Ende langsam auf.',
        ],
        dose: '30–60 Sekunden in jede Richtung',
        frequency: '2–3-mal täglich',
        stopIf: STOP_ARM_DE,
      },
    },
  },
  {
    id: 'wall-angels',
    title: 'Wall slides',
    purpose: 'Improves upper-back posture and shoulder movement.',
    steps: [
      'Stand with your back against a wall, feet a small step away from it, knees slightly bent.',
      'Raise your arms into a "goalpost" shape, elbows bent, backs of the arms towards the wall as far as is comfortable.',
      'Slowly slide your arms up the wall, then back down, keeping your lower back gently against the wall.',
      'Only go as high as you can without arching your back or shrugging.',
    ],
    dose: '8–10 slow slides',
    frequency: 'Once or twice a day',
    stopIf: STOP_ARM,
    areas: ['upper-back', 'shoulders'],
    translations: {
      de: {
        title: 'Armgleiten an der Wand',
        purpose: 'Verbessert die Haltung des oberen Rückens und die Beweglichkeit der Schultern.',
        steps: [
          'Stellen Sie sich mit dem Rücken an eine Wand, die Füße eine kleine Schrittlänge von ihr entfernt, die Knie leicht gebeugt.',
          'Heben Sie die Arme seitlich an, sodass sie mit gebeugten Ellbogen ein „U“ bilden, und bringen Sie die Rückseiten der Arme so weit an die Wand, wie es angenehm ist.',
          'Schieben Sie die Arme langsam an der Wand nach oben und wieder nach unten; halten Sie dabei den unteren Rücken sanft an der Wand.',
          'Gehen Sie nur so hoch, wie Sie es schaffen, ohne ins Hohlkreuz zu gehen oder die Schultern hochzuziehen.',
        ],
        dose: '8–10 langsame Wiederholungen',
        frequency: 'Ein- bis zweimal täglich',
        stopIf: STOP_ARM_DE,
      },
    },
  },
  {
    id: 'thoracic-extension-chair',
    title: 'Seated upper-back extension',
    purpose: 'Eases stiffness in the upper back that builds up from sitting hunched.',
    steps: [
      'Sit on a chair with a backrest that comes up to about the bottom of your shoulder blades.',
      'Cross your arms over your chest or support your head lightly with your hands.',
      'Gently lean back over the top of the backrest, looking slightly upwards, until you feel your upper back open.',
      'Return to upright slowly.',
    ],
    dose: 'Hold 3–5 seconds; repeat 8–10 times',
    frequency: '2 times a day',
    stopIf: STOP_COMMON,
    areas: ['upper-back'],
    translations: {
      de: {
        title: 'Streckung des oberen Rückens im Sitzen',
        purpose: 'Lindert Steifheit im oberen Rücken, die sich durch gebeugtes Sitzen aufbaut.',
        steps: [
          'Setzen Sie sich auf einen Stuhl, dessen Rückenlehne etwa bis zur Unterkante Ihrer Schulterblätter reicht.',
          'Verschränken Sie die Arme vor der Brust oder stützen Sie den Kopf leicht mit den Händen.',
          'Lehnen Sie sich sanft über die Oberkante der Lehne nach hinten und schauen Sie leicht nach oben, bis Sie spüren, wie sich Ihr oberer Rücken öffnet.',
          'Richten Sie sich langsam wieder auf.',
        ],
        dose: '3–5 Sekunden halten; 8–10-mal wiederholen',
        frequency: '2-mal täglich',
        stopIf: STOP_COMMON_DE,
      },
    },
  },
  {
    id: 'open-book',
    title: 'Open book rotation',
    purpose: 'Restores turning movement in the upper back and stretches the chest.',
    steps: [
      'Lie on your side with your knees bent at a right angle and a pillow under your head. Stretch both arms out in front of you, palms together.',
      'Keeping your knees together and on the floor, slowly lift the top arm and open it like a book, turning your chest towards the ceiling.',
      'Follow your hand with your eyes and go only as far as is comfortable.',
      'Slowly close the book again. Do all repetitions, then turn over and do the other side.',
    ],
    dose: 'Pause 3 seconds at the end; 8–10 times each side',
    frequency: 'Once or twice a day',
    stopIf: STOP_COMMON,
    areas: ['upper-back', 'shoulders'],
    translations: {
      de: {
        title: 'Drehübung „Offenes Buch“',
        purpose: 'Stellt die Drehbeweglichkeit des oberen Rückens wieder her und dehnt die Brust.',
        steps: [
          'Legen Sie sich auf die Seite, die Knie im rechten Winkel gebeugt und ein Kissen unter dem Kopf. Strecken Sie beide Arme vor sich aus, die Handflächen aufeinander.',
          'Lassen Sie die Knie zusammen und auf dem Boden, heben Sie langsam den oberen Arm und öffnen Sie ihn wie ein Buch, sodass sich Ihr Brustkorb zur Decke dreht.',
          'Folgen Sie Ihrer Hand mit den Augen und gehen Sie nur so weit, wie es angenehm ist.',
          'Schließen Sie das Buch langsam wieder. Machen Sie alle Wiederholungen, drehen Sie sich dann um und üben Sie auf der anderen Seite.',
        ],
        dose: 'Am Ende 3 Sekunden innehalten; 8–10-mal pro Seite',
        frequency: 'Ein- bis zweimal täglich',
        stopIf: STOP_COMMON_DE,
      },
    },
  },
  {
    id: 'cat-cow',
    title: 'Cat and cow',
    purpose: 'Moves the whole spine gently, one segment at a time.',
    steps: [
      'Kneel on all fours, hands under your shoulders and knees under your hips.',
      'Breathing out, slowly round your back towards the ceiling and let your head drop.',
      'Breathing in, slowly let your back sink into a gentle curve and lift your head.',
      'Move slowly and stay within a comfortable range.',
    ],
    dose: '8–10 slow movements',
    frequency: 'Once or twice a day',
    stopIf: STOP_LEG,
    areas: ['upper-back', 'lower-back'],
    translations: {
      de: {
        title: 'Katze und Kuh',
        purpose: 'Bewegt die ganze Wirbelsäule sanft, Abschnitt für Abschnitt.',
        steps: [
          'Gehen Sie in den Vierfüßlerstand, die Hände unter den Schultern, die Knie unter den Hüften.',
          'Runden Sie beim Ausatmen langsam den Rücken zur Decke und lassen Sie den Kopf sinken.',
          'Lassen Sie beim Einatmen den Rücken langsam in eine sanfte Wölbung nach unten sinken und heben Sie den Kopf.',
          'Bewegen Sie sich langsam und bleiben Sie in einem angenehmen Bewegungsumfang.',
        ],
        dose: '8–10 langsame Bewegungen',
        frequency: 'Ein- bis zweimal täglich',
        stopIf: STOP_LEG_DE,
      },
    },
  },
  // Lower back
  {
    id: 'childs-pose',
    title: "Child's pose",
    purpose: 'A restful stretch for the lower back and hips.',
    steps: [
      'Kneel on the floor with your knees a little apart and sit back towards your heels.',
      'Walk your hands forward and lower your chest towards the floor. Rest your forehead on your hands or a cushion.',
      'Let your back relax and breathe slowly into your lower ribs.',
      'To come up, walk your hands back towards your knees.',
    ],
    dose: 'Hold 20–30 seconds; repeat 3 times',
    frequency: 'Once or twice a day',
    stopIf: [...STOP_LEG, 'knee pain (try a cushion between your heels and buttocks)'],
    areas: ['lower-back', 'hips'],
    translations: {
      de: {
        title: 'Stellung des Kindes',
        purpose: 'Eine entspannende Dehnung für den unteren Rücken und die Hüften.',
        steps: [
          'Knien Sie sich auf den Boden, die Knie etwas auseinander, und setzen Sie sich zurück in Richtung Fersen.',
          'Wandern Sie mit den Händen nach vorn und senken Sie die Brust zum Boden. Legen Sie die Stirn auf die Hände oder ein Kissen.',
          'Lassen Sie den Rücken entspannen und atmen Sie langsam in die unteren Rippen.',
          'Um wieder hochzukommen, wandern Sie mit den Händen zurück zu den Knien.',
        ],
        dose: '20–30 Sekunden halten; 3-mal wiederholen',
        frequency: 'Ein- bis zweimal täglich',
        stopIf: [...STOP_LEG_DE, 'Knieschmerzen (versuchen Sie es mit einem Kissen zwischen Fersen und Gesäß)'],
      },
    },
  },
  {
    id: 'knee-to-chest',
    title: 'Knee to chest stretch',
    purpose: 'Gently stretches the lower back and buttock.',
    steps: [
      'Lie on your back with both knees bent and feet flat.',
      'Hold behind one knee with both hands and gently draw it towards your chest.',
      'Keep the other foot on the floor and your lower back relaxed.',
      'Lower slowly and repeat with the other leg.',
    ],
    dose: 'Hold 20–30 seconds; 3 times each leg',
    frequency: '2 times a day',
    stopIf: STOP_LEG,
    areas: ['lower-back', 'glutes'],
    translations: {
      de: {
        title: 'Knie zur Brust',
        purpose: 'Dehnt sanft den unteren Rücken und das Gesäß.',
        steps: [
          'Legen Sie sich auf den Rücken, beide Knie gebeugt, die Füße flach aufgestellt.',
          'Fassen Sie mit beiden Händen hinter ein Knie und ziehen Sie es sanft zur Brust.',
          'Lassen Sie den anderen Fuß auf dem Boden und den unteren Rücken entspannt.',
          'Senken Sie das Bein langsam ab und wiederholen Sie die Übung mit dem anderen Bein.',
        ],
        dose: '20–30 Sekunden halten; 3-mal pro Bein',
        frequency: '2-mal täglich',
        stopIf: STOP_LEG_DE,
      },
    },
  },
  {
    id: 'pelvic-tilt',
    title: 'Pelvic tilt',
    purpose: 'Wakes up the deep tummy muscles and moves the lower back gently.',
    steps: [
      'Lie on your back with both knees bent and feet flat on the floor.',
      'Tighten your tummy muscles gently and flatten your lower back into the floor by tilting your pelvis.',
      'Keep breathing: do not hold your breath.',
      'Hold, then relax.',
    ],
    dose: 'Hold 5 seconds; repeat 10 times',
    frequency: '2–3 times a day',
    stopIf: STOP_LEG,
    areas: ['lower-back'],
    translations: {
      de: {
        title: 'Beckenkippen',
        purpose: 'Aktiviert die tiefen Bauchmuskeln und bewegt den unteren Rücken sanft.',
        steps: [
          'Legen Sie sich auf den Rücken, beide Knie gebeugt, die Füße flach auf dem Boden.',
          'Spannen Sie die Bauchmuskeln sanft an und drücken Sie den unteren Rücken flach auf den Boden, indem Sie das Becken kippen.',
          'Atmen Sie weiter: Halten Sie nicht die Luft an.',
          'Halten Sie die Position und entspannen Sie dann.',
        ],
        dose: '5 Sekunden halten; 10-mal wiederholen',
        frequency: '2–3-mal täglich',
        stopIf: STOP_LEG_DE,
      },
    },
  },
  {
    id: 'lower-trunk-rotation',
    title: 'Knee rolls',
    purpose: 'Eases stiffness in the lower back with a gentle twisting movement.',
    steps: [
      'Lie on your back with both knees bent, feet flat and arms resting out to the sides.',
      'Keeping your knees together and shoulders on the floor, slowly let both knees roll to one side as far as is comfortable.',
      'Bring them back to the middle and roll to the other side.',
      'Move slowly and smoothly.',
    ],
    dose: '10 rolls to each side',
    frequency: '2 times a day',
    stopIf: STOP_LEG,
    areas: ['lower-back', 'hips'],
    translations: {
      de: {
        title: 'Knie zur Seite sinken lassen',
        purpose: 'Lindert Steifheit im unteren Rücken mit einer sanften Drehbewegung.',
        steps: [
          'Legen Sie sich auf den Rücken, beide Knie gebeugt, die Füße flach aufgestellt und die Arme seitlich abgelegt.',
          'Lassen Sie die Knie zusammen und die Schultern auf dem Boden und lassen Sie beide Knie langsam zu einer Seite sinken, so weit es angenehm ist.',
          'Bringen Sie die Knie zurück zur Mitte und lassen Sie sie zur anderen Seite sinken.',
          'Bewegen Sie sich langsam und gleichmäßig.',
        ],
        dose: '10-mal zu jeder Seite',
        frequency: '2-mal täglich',
        stopIf: STOP_LEG_DE,
      },
    },
  },
  // Hips and glutes
  {
    id: 'bridge',
    title: 'Bridge',
    purpose: 'Strengthens the buttock muscles that support the lower back and hips.',
    steps: [
      'Lie on your back with your knees bent, feet flat and hip-width apart, arms by your sides.',
      'Squeeze your buttocks and slowly lift your hips until your body forms a straight line from shoulders to knees.',
      'Do not arch your lower back.',
      'Hold, then lower slowly, one part of the spine at a time.',
    ],
    dose: 'Hold 3–5 seconds; repeat 10 times',
    frequency: 'Once a day',
    stopIf: STOP_LEG,
    areas: ['glutes', 'lower-back', 'hips'],
    translations: {
      de: {
        title: 'Brücke',
        purpose: 'Kräftigt die Gesäßmuskeln, die den unteren Rücken und die Hüften stützen.',
        steps: [
          'Legen Sie sich auf den Rücken, die Knie gebeugt, die Füße flach und hüftbreit aufgestellt, die Arme neben dem Körper.',
          'Spannen Sie das Gesäß an und heben Sie langsam die Hüften, bis Ihr Körper von den Schultern bis zu den Knien eine gerade Linie bildet.',
          'Gehen Sie dabei nicht ins Hohlkreuz.',
          'Halten Sie die Position und rollen Sie dann langsam, Wirbel für Wirbel, wieder ab.',
        ],
        dose: '3–5 Sekunden halten; 10-mal wiederholen',
        frequency: 'Einmal täglich',
        stopIf: STOP_LEG_DE,
      },
    },
  },
  {
    id: 'clamshell',
    title: 'Clamshell',
    purpose: 'Strengthens the muscles on the outside of the hip.',
    steps: [
      'Lie on your side with your hips and knees bent and your feet together. Rest your head on your arm or a pillow.',
      'Keeping your feet touching, slowly lift your top knee as far as you can without rolling your hips backwards.',
      'Pause, then lower slowly.',
      'Do all repetitions, then turn over and do the other side.',
    ],
    dose: '10–15 times each side',
    frequency: 'Once a day',
    stopIf: STOP_LEG,
    areas: ['hips', 'glutes'],
    translations: {
      de: {
        title: 'Muschel',
        purpose: 'Kräftigt die Muskeln an der Außenseite der Hüfte.',
        steps: [
          'Legen Sie sich auf die Seite, Hüften und Knie gebeugt, die Füße zusammen. Legen Sie den Kopf auf Ihren Arm oder ein Kissen.',
          'Lassen Sie die Füße aneinander und heben Sie langsam das obere Knie, so weit es geht, ohne das Becken nach hinten zu drehen.',
          'Halten Sie kurz inne und senken Sie das Knie dann langsam ab.',
          'Machen Sie alle Wiederholungen, drehen Sie sich dann um und üben Sie auf der anderen Seite.',
        ],
        dose: '10–15-mal pro Seite',
        frequency: 'Einmal täglich',
        stopIf: STOP_LEG_DE,
      },
    },
  },
  {
    id: 'figure-four-stretch',
    title: 'Figure-four buttock stretch',
    purpose: 'Stretches the deep muscles of the buttock and the back of the hip.',
    steps: [
      'Lie on your back with both knees bent and feet flat.',
      'Cross your right ankle over your left knee.',
      'Hold behind your left thigh and gently draw it towards your chest until you feel a stretch in your right buttock.',
      'Keep your head and shoulders relaxed on the floor. Release slowly and repeat on the other side.',
    ],
    dose: 'Hold 20–30 seconds; 3 times each side',
    frequency: '2 times a day',
    stopIf: STOP_LEG,
    areas: ['glutes', 'hips', 'lower-back'],
    translations: {
      de: {
        title: 'Gesäßdehnung in „Vierer“-Position',
        purpose: 'Dehnt die tiefen Gesäßmuskeln und die Rückseite der Hüfte.',
        steps: [
          'Legen Sie sich auf den Rücken, beide Knie gebeugt, die Füße flach aufgestellt.',
          'Legen Sie den rechten Knöchel auf das linke Knie.',
          'Fassen Sie hinter den linken Oberschenkel und ziehen Sie ihn sanft zur Brust, bis Sie eine Dehnung in der rechten Gesäßhälfte spüren.',
          'Lassen Sie Kopf und Schultern entspannt auf dem Boden. Lösen Sie die Dehnung langsam und wiederholen Sie sie auf der anderen Seite.',
        ],
        dose: '20–30 Sekunden halten; 3-mal pro Seite',
        frequency: '2-mal täglich',
        stopIf: STOP_LEG_DE,
      },
    },
  },
  {
    id: 'hip-flexor-stretch',
    title: 'Kneeling hip flexor stretch',
    purpose: 'Stretches the front of the hip, which tightens with long periods of sitting.',
    steps: [
      'Kneel on your right knee (on a cushion) with your left foot flat in front of you, both knees at about a right angle. Hold on to a chair for balance if you need to.',
      'Gently tuck your tailbone under and shift your weight forwards until you feel a stretch at the front of your right hip.',
      'Keep your body upright; do not arch your lower back.',
      'Release slowly and repeat on the other side.',
    ],
    dose: 'Hold 20–30 seconds; 3 times each side',
    frequency: '2 times a day',
    stopIf: STOP_LEG,
    areas: ['hips', 'lower-back'],
    translations: {
      de: {
        title: 'Hüftbeugerdehnung im Kniestand',
        purpose: 'Dehnt die Vorderseite der Hüfte, die bei langem Sitzen oft fest wird.',
        steps: [
          'Knien Sie sich auf das rechte Knie (auf ein Kissen), den linken Fuß flach vor sich, beide Knie etwa im rechten Winkel. Halten Sie sich bei Bedarf an einem Stuhl fest, um das Gleichgewicht zu halten.',
          'Rollen Sie das Steißbein sanft nach unten ein und verlagern Sie Ihr Gewicht nach vorn, bis Sie eine Dehnung vorne an der rechten Hüfte spüren.',
          'Halten Sie den Oberkörper aufrecht; gehen Sie nicht ins Hohlkreuz.',
          'Lösen Sie die Dehnung langsam und wiederholen Sie sie auf der anderen Seite.',
        ],
        dose: '20–30 Sekunden halten; 3-mal pro Seite',
        frequency: '2-mal täglich',
        stopIf: STOP_LEG_DE,
      },
    },
  },
  // Hamstrings
  {
    id: 'supine-hamstring-stretch',
    title: 'Lying hamstring stretch with a towel',
    purpose: 'Stretches the back of the thigh without straining the lower back.',
    steps: [
      'Lie on your back with both knees bent. Loop a towel or belt around the sole of your right foot.',
      'Holding the ends of the towel, slowly straighten your right leg up towards the ceiling until you feel a stretch behind your thigh.',
      'Keep your knee almost straight and your lower back relaxed on the floor. Do not bounce.',
      'Lower slowly and repeat with the other leg.',
    ],
    dose: 'Hold 20–30 seconds; 3 times each leg',
    frequency: '2 times a day',
    stopIf: STOP_LEG,
    areas: ['hamstrings', 'lower-back'],
    translations: {
      de: {
        title: 'Dehnung der Oberschenkelrückseite im Liegen mit Handtuch',
        purpose: 'Dehnt die Rückseite des Oberschenkels, ohne den unteren Rücken zu belasten.',
        steps: [
          'Legen Sie sich auf den Rücken, beide Knie gebeugt. Legen Sie ein Handtuch oder einen Gürtel als Schlaufe um die rechte Fußsohle.',
          'Halten Sie die Enden des Handtuchs und strecken Sie das rechte Bein langsam zur Decke, bis Sie eine Dehnung an der Oberschenkelrückseite spüren.',
          'Halten Sie das Knie fast gestreckt und den unteren Rücken entspannt auf dem Boden. Wippen Sie nicht.',
          'Senken Sie das Bein langsam ab und wiederholen Sie die Übung mit dem anderen Bein.',
        ],
        dose: '20–30 Sekunden halten; 3-mal pro Bein',
        frequency: '2-mal täglich',
        stopIf: STOP_LEG_DE,
      },
    },
  },
  {
    id: 'seated-hamstring-stretch',
    title: 'Seated hamstring stretch',
    purpose: 'A simple stretch for the back of the thigh you can do on a chair.',
    steps: [
      'Sit near the front edge of a firm chair. Straighten your right leg in front of you with the heel on the floor and toes pointing up.',
      'Keep your back straight and lean forward slowly from your hips until you feel a stretch behind your right thigh.',
      'Do not round your back or bounce.',
      'Sit up slowly and repeat with the other leg.',
    ],
    dose: 'Hold 20–30 seconds; 3 times each leg',
    frequency: '2 times a day',
    stopIf: STOP_LEG,
    areas: ['hamstrings'],
    translations: {
      de: {
        title: 'Dehnung der Oberschenkelrückseite im Sitzen',
        purpose: 'Eine einfache Dehnung für die Oberschenkelrückseite, die Sie auf einem Stuhl machen können.',
        steps: [
          'Setzen Sie sich nah an die Vorderkante eines stabilen Stuhls. Strecken Sie das rechte Bein vor sich aus, die Ferse auf dem Boden, die Zehen nach oben.',
          'Halten Sie den Rücken gerade und beugen Sie sich langsam aus der Hüfte nach vorn, bis Sie eine Dehnung an der rechten Oberschenkelrückseite spüren.',
          'Machen Sie keinen Rundrücken und wippen Sie nicht.',
          'Richten Sie sich langsam auf und wiederholen Sie die Übung mit dem anderen Bein.',
        ],
        dose: '20–30 Sekunden halten; 3-mal pro Bein',
        frequency: '2-mal täglich',
        stopIf: STOP_LEG_DE,
      },
    },
  },
  // Calves
  {
    id: 'calf-wall-stretch',
    title: 'Calf stretch against a wall',
    purpose: 'Stretches the large calf muscle.',
    steps: [
      'Stand facing a wall with your hands on it at shoulder height.',
      'Step your right foot back, keeping that leg straight and the heel on the floor. Bend your front knee.',
      'Lean towards the wall until you feel a stretch in your right calf. Keep your back foot pointing forward.',
      'Release slowly and swap legs.',
    ],
    dose: 'Hold 20–30 seconds; 3 times each leg',
    frequency: '2 times a day',
    stopIf: [...STOP_LEG, CALF],
    areas: ['calves'],
    translations: {
      de: {
        title: 'Wadendehnung an der Wand',
        purpose: 'Dehnt den großen Wadenmuskel.',
        steps: [
          'Stellen Sie sich mit dem Gesicht zur Wand und legen Sie die Hände auf Schulterhöhe an die Wand.',
          'Machen Sie mit dem rechten Fuß einen Schritt nach hinten; halten Sie dieses Bein gestreckt und die Ferse am Boden. Beugen Sie das vordere Knie.',
          'Lehnen Sie sich zur Wand, bis Sie eine Dehnung in der rechten Wade spüren. Der hintere Fuß zeigt dabei nach vorn.',
          'Lösen Sie die Dehnung langsam und wechseln Sie das Bein.',
        ],
        dose: '20–30 Sekunden halten; 3-mal pro Bein',
        frequency: '2-mal täglich',
        stopIf: [...STOP_LEG_DE, CALF_DE],
      },
    },
  },
  {
    id: 'soleus-stretch',
    title: 'Bent-knee calf stretch',
    purpose: 'Stretches the deeper, lower calf muscle and the Achilles area.',
    steps: [
      'Stand facing a wall with your hands on it, one foot a small step behind the other.',
      'Keep both heels on the floor and bend both knees, sinking down until you feel a stretch low in the back calf.',
      'Keep your back heel down throughout.',
      'Release slowly and swap legs.',
    ],
    dose: 'Hold 20–30 seconds; 3 times each leg',
    frequency: '2 times a day',
    stopIf: [...STOP_LEG, CALF],
    areas: ['calves'],
    translations: {
      de: {
        title: 'Wadendehnung mit gebeugtem Knie',
        purpose: 'Dehnt den tieferen, unteren Wadenmuskel und den Bereich der Achillessehne.',
        steps: [
          'Stellen Sie sich mit dem Gesicht zur Wand, die Hände an der Wand, einen Fuß eine kleine Schrittlänge hinter dem anderen.',
          'Lassen Sie beide Fersen am Boden und beugen Sie beide Knie; gehen Sie so weit in die Knie, bis Sie eine Dehnung unten in der hinteren Wade spüren.',
          'Lassen Sie die hintere Ferse die ganze Zeit am Boden.',
          'Lösen Sie die Dehnung langsam und wechseln Sie das Bein.',
        ],
        dose: '20–30 Sekunden halten; 3-mal pro Bein',
        frequency: '2-mal täglich',
        stopIf: [...STOP_LEG_DE, CALF_DE],
      },
    },
  },
  {
    id: 'heel-raises',
    title: 'Heel raises',
    purpose: 'Strengthens the calves and keeps circulation moving in the lower legs.',
    steps: [
      'Stand tall holding the back of a chair or a worktop for balance, feet hip-width apart.',
      'Slowly rise up onto the balls of your feet.',
      'Pause at the top, then lower slowly.',
      'Keep your weight even across both feet.',
    ],
    dose: '10–15 times; 2 sets',
    frequency: 'Once a day',
    stopIf: [...STOP_LEG, CALF],
    areas: ['calves'],
    translations: {
      de: {
        title: 'Fersenheben',
        purpose: 'Kräftigt die Waden und hält die Durchblutung der Unterschenkel in Gang.',
        steps: [
          'Stellen Sie sich aufrecht hin, die Füße hüftbreit auseinander, und halten Sie sich zur Sicherheit an einer Stuhllehne oder Arbeitsplatte fest.',
          'Gehen Sie langsam auf die Fußballen hoch.',
          'Halten Sie oben kurz inne und senken Sie die Fersen dann langsam ab.',
          'Verteilen Sie Ihr Gewicht gleichmäßig auf beide Füße.',
        ],
        dose: '10–15-mal; 2 Durchgänge',
        frequency: 'Einmal täglich',
        stopIf: [...STOP_LEG_DE, CALF_DE],
      },
    },
  },
  // Forearms and hands
  {
    id: 'wrist-flexor-stretch',
    title: 'Forearm stretch, palm up',
    purpose: 'Stretches the muscles on the inside of the forearm that grip and type.',
    steps: [
      'Hold your right arm out in front of you, elbow straight, palm facing up.',
      'With your left hand, gently bend your right wrist so the fingers point towards the floor.',
      'You should feel a stretch along the inside of your forearm.',
      'Release slowly and swap arms.',
    ],
    dose: 'Hold 20–30 seconds; 3 times each arm',
    frequency: '2–3 times a day, and during breaks from typing',
    stopIf: STOP_ARM,
    areas: ['forearms'],
    translations: {
      de: {
        title: 'Unterarmdehnung, Handfläche nach oben',
        purpose: 'Dehnt die Muskeln an der Innenseite des Unterarms, die beim Greifen und Tippen arbeiten.',
        steps: [
          'Strecken Sie den rechten Arm vor sich aus, den Ellbogen gestreckt, die Handfläche nach oben.',
          'Beugen Sie mit der linken Hand das rechte Handgelenk sanft, sodass die Finger zum Boden zeigen.',
          'Sie sollten eine Dehnung entlang der Innenseite des Unterarms spüren.',
          'Lösen Sie die Dehnung langsam und wechseln Sie den Arm.',
        ],
        dose: '20–30 Sekunden halten; 3-mal pro Arm',
        frequency: '2–3-mal täglich und in Pausen vom Tippen',
        stopIf: STOP_ARM_DE,
      },
    },
  },
  {
    id: 'wrist-extensor-stretch',
    title: 'Forearm stretch, palm down',
    purpose: 'Stretches the muscles on the back of the forearm, often tight with mouse use.',
    steps: [
      'Hold your right arm out in front of you, elbow straight, palm facing down.',
      'With your left hand, gently bend your right wrist so the fingers point towards the floor.',
      'You should feel a stretch along the top of your forearm.',
      'Release slowly and swap arms.',
    ],
    dose: 'Hold 20–30 seconds; 3 times each arm',
    frequency: '2–3 times a day, and during breaks from typing',
    stopIf: STOP_ARM,
    areas: ['forearms'],
    translations: {
      de: {
        title: 'Unterarmdehnung, Handfläche nach unten',
        purpose: 'Dehnt die Muskeln an der Oberseite des Unterarms, die bei Mausarbeit oft verspannen.',
        steps: [
          'Strecken Sie den rechten Arm vor sich aus, den Ellbogen gestreckt, die Handfläche nach unten.',
          'Beugen Sie mit der linken Hand das rechte Handgelenk sanft, sodass die Finger zum Boden zeigen.',
          'Sie sollten eine Dehnung entlang der Oberseite des Unterarms spüren.',
          'Lösen Sie die Dehnung langsam und wechseln Sie den Arm.',
        ],
        dose: '20–30 Sekunden halten; 3-mal pro Arm',
        frequency: '2–3-mal täglich und in Pausen vom Tippen',
        stopIf: STOP_ARM_DE,
      },
    },
  },
  {
    id: 'tendon-glides',
    title: 'Finger tendon glides',
    purpose: 'Keeps the tendons of the fingers and wrist gliding smoothly.',
    steps: [
      'Hold your hand up with the fingers straight.',
      'Bend the fingers at the middle and end joints into a hook, keeping the knuckles straight.',
      'Make a loose fist, then straighten the fingers fully again.',
      'Move slowly through each position.',
    ],
    dose: '10 times each hand',
    frequency: '3 times a day',
    stopIf: STOP_ARM,
    areas: ['forearms'],
    translations: {
      de: {
        title: 'Sehnengleitübungen für die Finger',
        purpose: 'Hält die Sehnen der Finger und des Handgelenks geschmeidig gleitend.',
        steps: [
          'Halten Sie die Hand hoch, die Finger gestreckt.',
          'Beugen Sie die Finger im Mittel- und Endgelenk zu einem Haken; die Fingergrundgelenke bleiben dabei gestreckt.',
          'Machen Sie eine lockere Faust und strecken Sie die Finger dann wieder vollständig.',
          'Gehen Sie langsam durch jede Position.',
        ],
        dose: '10-mal pro Hand',
        frequency: '3-mal täglich',
        stopIf: STOP_ARM_DE,
      },
    },
  },
  // Jaw
  {
    id: 'jaw-relaxation',
    title: 'Jaw resting position',
    purpose: 'Teaches the jaw muscles to rest instead of clenching.',
    steps: [
      'Close your lips gently and let your teeth come slightly apart.',
      'Rest the tip of your tongue lightly on the roof of your mouth, just behind your upper front teeth.',
      'Let your cheeks and jaw go soft and breathe slowly through your nose.',
      'Check in on this position several times a day, especially when concentrating or stressed.',
    ],
    dose: '1 minute of slow breathing in this position',
    frequency: '5–6 times a day',
    stopIf: STOP_JAW,
    areas: ['jaw'],
    translations: {
      de: {
        title: 'Ruheposition des Kiefers',
        purpose: 'Gewöhnt die Kiefermuskeln daran, locker zu bleiben, statt zu pressen.',
        steps: [
          'Schließen Sie die Lippen sanft und lassen Sie die Zähne leicht auseinander.',
          'Legen Sie die Zungenspitze leicht an den Gaumen, direkt hinter die oberen Schneidezähne.',
          'Lassen Sie Wangen und Kiefer weich werden und atmen Sie langsam durch die Nase.',
          'Kehren Sie mehrmals am Tag bewusst in diese Position zurück, besonders wenn Sie konzentriert oder gestresst sind.',
        ],
        dose: '1 Minute ruhig atmen in dieser Position',
        frequency: '5–6-mal täglich',
        stopIf: STOP_JAW_DE,
      },
    },
  },
  {
    id: 'controlled-jaw-opening',
    title: 'Controlled jaw opening',
    purpose: 'Encourages the jaw to open evenly and without strain.',
    steps: [
      'Stand in front of a mirror. Rest the tip of your tongue on the roof of your mouth.',
      'Keeping your tongue there, slowly open your mouth as far as is comfortable, watching that your chin moves straight down, not to the side.',
      'Close slowly.',
      'Keep the movement small and pain-free.',
    ],
    dose: '10 slow openings',
    frequency: '2–3 times a day',
    stopIf: STOP_JAW,
    areas: ['jaw'],
    translations: {
      de: {
        title: 'Kontrollierte Mundöffnung',
        purpose: 'Hilft dem Kiefer, sich gleichmäßig und ohne Anstrengung zu öffnen.',
        steps: [
          'Stellen Sie sich vor einen Spiegel. Legen Sie die Zungenspitze an den Gaumen.',
          'Lassen Sie die Zunge dort und öffnen Sie den Mund langsam so weit, wie es angenehm ist. Achten Sie darauf, dass sich das Kinn gerade nach unten bewegt und nicht zur Seite.',
          'Schließen Sie den Mund langsam.',
          'Halten Sie die Bewegung klein und schmerzfrei.',
        ],
        dose: '10-mal langsam öffnen',
        frequency: '2–3-mal täglich',
        stopIf: STOP_JAW_DE,
      },
    },
  },
  // General
  {
    id: 'diaphragmatic-breathing',
    title: 'Relaxed belly breathing',
    purpose: 'Calms the nervous system and helps neck and shoulder muscles let go.',
    steps: [
      'Lie on your back with your knees bent, or sit comfortably. Place one hand on your chest and one on your belly.',
      'Breathe in slowly through your nose so that your belly rises under your hand while your chest stays fairly still.',
      'Breathe out slowly through slightly pursed lips, a little longer than the in-breath.',
      'Keep it easy and unforced.',
    ],
    dose: '5 minutes, or about 10 slow breaths',
    frequency: '2 times a day, and whenever you feel tense',
    stopIf: [...STOP_COMMON, 'light-headedness (return to normal breathing)', 'feeling short of breath'],
    areas: ['general', 'neck', 'shoulders', 'jaw'],
    translations: {
      de: {
        title: 'Entspannte Bauchatmung',
        purpose: 'Beruhigt das Nervensystem und hilft den Nacken- und Schultermuskeln, loszulassen.',
        steps: [
          'Legen Sie sich mit gebeugten Knien auf den Rücken oder setzen Sie sich bequem hin. Legen Sie eine Hand auf die Brust und eine auf den Bauch.',
          'Atmen Sie langsam durch die Nase ein, sodass sich der Bauch unter Ihrer Hand hebt, während die Brust weitgehend ruhig bleibt.',
          'Atmen Sie langsam durch leicht gespitzte Lippen aus, etwas länger als beim Einatmen.',
          'Atmen Sie locker und ohne Druck.',
        ],
        dose: '5 Minuten oder etwa 10 langsame Atemzüge',
        frequency: '2-mal täglich und immer, wenn Sie sich angespannt fühlen',
        stopIf: [...STOP_COMMON_DE, 'Benommenheit (atmen Sie dann wieder normal)', 'Kurzatmigkeit'],
      },
    },
  },
  {
    id: 'gentle-walk',
    title: 'Gentle walk',
    purpose: 'Easy movement that eases post-treatment soreness and stiffness.',
    steps: [
      'Walk at a comfortable pace on level ground, in supportive shoes.',
      'Let your arms swing naturally and keep your shoulders relaxed.',
      'Start short and build up day by day as you feel able.',
    ],
    dose: '10–20 minutes at an easy pace',
    frequency: 'Once or twice a day',
    stopIf: [
      ...STOP_COMMON,
      'chest pain or unusual shortness of breath (call emergency services)',
      'a calf that becomes painful, swollen, warm or red',
    ],
    areas: ['general', 'lower-back', 'hips', 'calves'],
    translations: {
      de: {
        title: 'Ruhiger Spaziergang',
        purpose: 'Leichte Bewegung, die Muskelkater und Steifheit nach der Behandlung lindert.',
        steps: [
          'Gehen Sie in angenehmem Tempo auf ebenem Untergrund, in gut stützenden Schuhen.',
          'Lassen Sie die Arme natürlich mitschwingen und die Schultern locker.',
          'Beginnen Sie mit kurzen Strecken und steigern Sie sich Tag für Tag, so wie es Ihnen möglich ist.',
        ],
        dose: '10–20 Minuten in gemütlichem Tempo',
        frequency: 'Ein- bis zweimal täglich',
        stopIf: [
          ...STOP_COMMON_DE,
          'Brustschmerzen oder ungewöhnliche Atemnot (wählen Sie den Notruf)',
          'eine Wade, die schmerzhaft, geschwollen, warm oder gerötet wird',
        ],
      },
    },
  },
];
