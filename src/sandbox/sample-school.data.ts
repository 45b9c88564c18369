/**
 * The sandbox's sample school: who is in it and a term of its history, written for this project.
 * Ninth graders in two advisories and an Algebra I section; everything here is invented.
 */

export interface SampleAdult {
  sub: string;
  givenName: string;
  familyName: string;
}

export type Voice = 'student' | 'adult';
export type StepOwner = 'student' | 'advisor' | 'family' | 'other';

export interface SampleGoal {
  category: 'academic' | 'well-being' | 'college-career' | 'community';
  statement: string;
  measure: string;
  target: string;
  /** Weeks from today; negative is in the past. */
  dueInWeeks: number;
  why: string;
  /** proposed: written by the student, waiting; active/achieved: approved by the advisor. */
  state: 'proposed' | 'active' | 'achieved';
  /** Weeks ago the goal was written. */
  weeksAgo: number;
  steps?: { text: string; owner: StepOwner; done: boolean }[];
  progress?: { weeksAgo: number; by: 'student' | 'advisor'; value: string; note: string; rating: number | null }[];
}

export interface SampleCheckinNote {
  /** Session index, 0 = the oldest of the term. */
  session: number;
  shared?: string;
  adult?: string;
  needs?: { category: string; urgency: 'concern' | 'urgent' }[];
}

export interface SampleStory {
  plan: 'active' | 'draft' | 'none';
  fields?: { key: string; voice: Voice; text: string }[];
  /** Last school year's plan (its transition section, not carried forward): the plan page links to it. */
  lastYear?: { key: string; voice: Voice; text: string }[];
  goals?: SampleGoal[];
  /** One mark per weekly session, oldest first: y attended, n absent, . not recorded. */
  attendance: string;
  /** Well-being for each attended session, in order (repeats if shorter). */
  wellbeing: number[];
  notes?: SampleCheckinNote[];
  familyComment?: string;
}

export interface SampleStudent {
  givenName: string;
  familyName: string;
  story: SampleStory;
}

export interface SampleAdvisory {
  id: string;
  label: string;
  title: string;
  advisor: SampleAdult;
  students: SampleStudent[];
}

/** Weekly advisory sessions over the term; the latest was two days ago. */
export const SESSIONS = 10;

const steady = (n: number) => 'y'.repeat(n);
const quiet = { plan: 'none' as const, attendance: steady(SESSIONS), wellbeing: [4, 3, 4] };

export const advisory9A: SampleAdvisory = {
  id: 'sandbox-adv-9a',
  label: 'ADV-9A',
  title: 'Advisory 9A',
  advisor: { sub: 'sandbox-teacher-rivera', givenName: 'Elena', familyName: 'Rivera' },
  students: [
    {
      givenName: 'Amara',
      familyName: 'Okafor',
      story: {
        plan: 'active',
        lastYear: [
          { key: 'next-year', voice: 'student', text: 'Try out for track and keep my grades up in high school science.' },
          { key: 'handover', voice: 'adult', text: 'Amara works best with written steps and early warnings; she is ready for a peer tutoring role.' },
        ],
        fields: [
          { key: 'strengths', voice: 'student', text: 'I am good at explaining things to my friends, especially in science. I also never miss a deadline once I write it down.' },
          { key: 'strengths', voice: 'adult', text: 'Amara is a natural peer tutor: three classmates asked to sit with her during study hall this month.' },
          { key: 'what-matters', voice: 'student', text: 'My little brothers look up to me, so I want to show them high school is doable. Track season matters a lot too.' },
          { key: 'interests', voice: 'student', text: 'Running the 400, drawing anime characters, and helping at my church on Saturdays.' },
          { key: 'how-teachers-help', voice: 'student', text: 'Tell me early if I am falling behind, not at the end of the quarter. Written steps help more than a long explanation.' },
          { key: 'how-teachers-help', voice: 'adult', text: 'Post checkpoints for long projects; she plans well when she can see the pieces.' },
          { key: 'needs', voice: 'student', text: 'A quiet place to do homework after practice. The library closes before I get there.' },
          { key: 'supports', voice: 'adult', text: 'Homework room pass on Tuesdays and Thursdays until 5:30; Mr. Park checks in on algebra every other Friday.' },
          { key: 'careers', voice: 'student', text: 'Physical therapist or sports medicine. I liked the trainer who helped me with my ankle.' },
          { key: 'belonging', voice: 'student', text: 'On the track team and in the art room at lunch.' },
        ],
        goals: [
          {
            category: 'academic',
            statement: 'Raise my Algebra I grade from a C to a B by the end of the semester',
            measure: 'Grade in the LMS gradebook, checked every Friday',
            target: 'B (80%) or higher',
            dueInWeeks: 6,
            why: 'I need algebra for the science classes I want to take next year.',
            state: 'active',
            weeksAgo: 8,
            steps: [
              { text: 'Go to Mr. Park\'s Tuesday help session', owner: 'student', done: true },
              { text: 'Redo the unit 3 quiz corrections', owner: 'student', done: true },
              { text: 'Set up a study group with two classmates', owner: 'student', done: false },
              { text: 'Share the weekly grade check with Amara\'s mom', owner: 'advisor', done: false },
            ],
            progress: [
              { weeksAgo: 6, by: 'student', value: '71%', note: 'Went to help session twice. Quiz corrections turned in.', rating: 3 },
              { weeksAgo: 3, by: 'advisor', value: '76%', note: 'Grade is up to 76%. Mr. Park says her homework is complete every week now.', rating: null },
              { weeksAgo: 1, by: 'student', value: '81%', note: 'Got an 84 on the linear equations test!', rating: 5 },
            ],
          },
          {
            category: 'well-being',
            statement: 'Get at least eight hours of sleep on school nights',
            measure: 'Sleep log in my planner',
            target: '4 of 5 school nights each week',
            dueInWeeks: -1,
            why: 'I am tired in first period and my times at practice got slower.',
            state: 'achieved',
            weeksAgo: 9,
            steps: [
              { text: 'Phone charges in the kitchen after 10 pm', owner: 'student', done: true },
              { text: 'Finish homework before dinner on practice days', owner: 'student', done: true },
            ],
            progress: [
              { weeksAgo: 7, by: 'student', value: '3 of 5 nights', note: 'Three nights this week. The phone rule is hard.', rating: 3 },
              { weeksAgo: 4, by: 'student', value: '5 of 5 nights', note: 'Five nights in a row. I feel way better in first period.', rating: 5 },
            ],
          },
        ],
        attendance: steady(SESSIONS),
        wellbeing: [4, 4, 3, 4, 5, 4, 4, 5, 4, 4],
        notes: [
          { session: 2, shared: 'Talked about the algebra grade and made a plan for help sessions.', adult: 'Mom asked for a weekly update by email.' },
          { session: 8, shared: 'Celebrated the test score. Next: the study group.' },
        ],
        familyComment: 'Thank you for the weekly updates. We set up a homework corner at home so she can work after practice too.',
      },
    },
    {
      givenName: 'Liam',
      familyName: 'Nguyen',
      story: {
        plan: 'draft',
        fields: [
          { key: 'strengths', voice: 'student', text: 'Building things. I fixed my cousin\'s bike and I am good at Minecraft redstone.' },
          { key: 'interests', voice: 'student', text: 'Robotics club, video games, cooking with my grandma.' },
          { key: 'careers', voice: 'student', text: 'Maybe engineering? Or a chef.' },
        ],
        goals: [
          {
            category: 'college-career',
            statement: 'Join the robotics club and go to every meeting this quarter',
            measure: 'Club attendance sheet',
            target: 'Every Wednesday meeting',
            dueInWeeks: 5,
            why: 'I want to see if engineering is really for me.',
            state: 'proposed',
            weeksAgo: 1,
          },
        ],
        attendance: 'yyyyyynyyy',
        wellbeing: [4, 3, 4, 4, 3, 4, 4, 4, 3],
      },
    },
    {
      givenName: 'Sofia',
      familyName: 'Hernández',
      story: {
        plan: 'active',
        fields: [
          { key: 'strengths', voice: 'student', text: 'I speak English and Spanish and I help my parents with forms and phone calls.' },
          { key: 'strengths', voice: 'adult', text: 'Sofia is organized and a careful reader; her essays are among the strongest in the grade.' },
          { key: 'what-matters', voice: 'student', text: 'My family. Being the first one to go to college.' },
          { key: 'needs', voice: 'student', text: 'Sometimes I have to babysit and cannot stay after school.' },
          { key: 'needs', voice: 'adult', text: 'Flexible deadlines on weeks she cares for her siblings; she lets us know ahead.' },
          { key: 'after-high-school', voice: 'student', text: 'A four-year college, maybe nursing.' },
        ],
        goals: [
          {
            category: 'college-career',
            statement: 'Visit two college websites and list what they need for nursing',
            measure: 'A list in my plan',
            target: 'Two colleges, with requirements written down',
            dueInWeeks: 2,
            why: 'I want to know which classes to take in 10th grade.',
            state: 'active',
            weeksAgo: 4,
            steps: [
              { text: 'Ask the counselor for a list of nearby nursing programs', owner: 'student', done: true },
              { text: 'Look at one state university website together in advisory', owner: 'advisor', done: false },
            ],
            progress: [{ weeksAgo: 2, by: 'student', value: '1 college researched', note: 'Ms. Moore gave me three programs to look at.', rating: 4 }],
          },
        ],
        attendance: 'yyyyyyyyny',
        wellbeing: [4, 4, 3, 3, 4, 3, 2, 3, 2],
        notes: [
          {
            session: 9,
            shared: 'Sofia said things are stressful at home this month.',
            adult: 'Dad lost his job in October. Referred to Ms. Moore; family is open to help.',
            needs: [{ category: 'family', urgency: 'concern' }],
          },
        ],
      },
    },
    {
      givenName: 'Noah',
      familyName: 'Patel',
      story: {
        plan: 'draft',
        fields: [
          { key: 'strengths', voice: 'student', text: 'Math and chess.' },
          { key: 'how-teachers-help', voice: 'student', text: 'Let me work ahead when I finish early.' },
        ],
        attendance: 'yyyyyyyyyy',
        wellbeing: [5, 4, 5, 4, 4],
      },
    },
    {
      givenName: 'Zoe',
      familyName: 'Kim',
      story: {
        plan: 'active',
        fields: [
          { key: 'strengths', voice: 'student', text: 'Writing stories and playing cello.' },
          { key: 'what-matters', voice: 'student', text: 'Having time for music. Orchestra is my favorite part of the day.' },
          { key: 'supports', voice: 'adult', text: 'Check-in with the advisor before big tests; a quiet room for tests when she asks.' },
          { key: 'adult-notes', voice: 'adult', text: 'Test anxiety: she does much better when she knows the format ahead of time.' },
        ],
        goals: [
          {
            category: 'well-being',
            statement: 'Use a breathing exercise before every test this month',
            measure: 'A check mark on my test calendar',
            target: 'Every test in November',
            dueInWeeks: -2,
            why: 'I blank out on tests even when I studied.',
            state: 'achieved',
            weeksAgo: 7,
            steps: [{ text: 'Practice box breathing at home three times', owner: 'student', done: true }],
            progress: [{ weeksAgo: 3, by: 'student', value: '2 of 2 tests so far', note: 'Did it before the biology test and did not blank out.', rating: 4 }],
          },
        ],
        attendance: 'yyyyyyyyyy',
        wellbeing: [3, 3, 4, 4, 3, 4, 4, 4, 5, 4],
      },
    },
    {
      givenName: 'Mateo',
      familyName: 'García',
      story: {
        plan: 'draft',
        fields: [
          { key: 'strengths', voice: 'student', text: 'Soccer. I am a good teammate.' },
          { key: 'needs', voice: 'student', text: 'My laptop screen is cracked and the internet at home goes out a lot.' },
        ],
        goals: [
          {
            category: 'academic',
            statement: 'Turn in every English assignment on time for four weeks',
            measure: 'Missing work report in the LMS',
            target: 'Zero missing assignments',
            dueInWeeks: 3,
            why: 'Coach says I need a C to stay on the team.',
            state: 'active',
            weeksAgo: 5,
            steps: [
              { text: 'Check the LMS for missing work every Monday in advisory', owner: 'student', done: false },
              { text: 'Request a loaner laptop from the library', owner: 'advisor', done: true },
            ],
            progress: [{ weeksAgo: 2, by: 'advisor', value: '2 missing', note: 'Two assignments still missing from October.', rating: null }],
          },
        ],
        attendance: 'yyynyyyynn',
        wellbeing: [3, 3, 2, 3, 3, 2, 2],
        notes: [
          { session: 1, shared: 'Mateo needs a working laptop.', needs: [{ category: 'technology', urgency: 'concern' }] },
          { session: 7, shared: 'Said he has been tired and does not want to talk about it yet.', adult: 'Follow up with Ms. Moore if he misses again.' },
        ],
        familyComment: 'Mateo told us about the loaner laptop, thank you. Our internet should be fixed next week.',
      },
    },
    {
      givenName: 'Ava',
      familyName: 'Thompson',
      story: {
        plan: 'none',
        attendance: 'yyyyyyyyyy',
        wellbeing: [4, 4, 4, 3, 4],
      },
    },
    {
      givenName: 'Ethan',
      familyName: 'Brooks',
      story: {
        plan: 'active',
        fields: [
          { key: 'strengths', voice: 'student', text: 'I am funny and I can fix computers.' },
          { key: 'strengths', voice: 'adult', text: 'Ethan is kind to younger students and volunteers in the tech office.' },
          { key: 'give-back', voice: 'student', text: 'Help at the tech office during lunch.' },
        ],
        attendance: 'yyyyyyyyyy',
        wellbeing: [4, 3, 3, 2, 2, 3, 2, 2, 1, 2],
        // An active goal: the risk review (src/risk-reviews) flags Ethan (an urgent need) and can add a plan action to it.
        goals: [
          {
            category: 'well-being',
            statement: 'Feel connected at school: one club or lunch group I go to each week',
            measure: 'Weeks I went, checked with my advisor',
            target: '4 weeks in a row',
            dueInWeeks: 6,
            why: 'Lunch is the hardest part of the day since my friend moved.',
            state: 'active',
            weeksAgo: 1,
            steps: [{ text: 'Visit the tech club at lunch on Wednesday', owner: 'student', done: false }],
          },
        ],
        notes: [
          {
            session: 9,
            shared: 'Ethan rated his week a 1 and raised a need himself.',
            adult: 'Says he is not sleeping and feels alone since his friend moved. Counselor meeting requested today.',
            needs: [{ category: 'wellbeing', urgency: 'urgent' }],
          },
        ],
      },
    },
    {
      givenName: 'Maya',
      familyName: 'Chen',
      story: {
        plan: 'active',
        fields: [
          { key: 'strengths', voice: 'student', text: 'Leading group projects and public speaking.' },
          { key: 'careers', voice: 'student', text: 'Lawyer or city council member.' },
          { key: 'give-back', voice: 'student', text: 'Start a recycling team for our floor.' },
        ],
        goals: [
          {
            category: 'community',
            statement: 'Start a recycling team with five members by winter break',
            measure: 'Sign-up sheet and bins in place',
            target: '5 members, bins on the 2nd floor',
            dueInWeeks: 3,
            why: 'The hallway bins are always full of cans that should be recycled.',
            state: 'active',
            weeksAgo: 6,
            steps: [
              { text: 'Ask the principal for permission', owner: 'student', done: true },
              { text: 'Make a sign-up poster', owner: 'student', done: true },
              { text: 'Order bins through the main office', owner: 'advisor', done: false },
            ],
            progress: [{ weeksAgo: 2, by: 'student', value: '4 members', note: 'Four people signed up. Need one more.', rating: 4 }],
          },
        ],
        attendance: 'yyyyyyyyyy',
        wellbeing: [5, 4, 5, 5, 4],
      },
    },
    {
      givenName: 'Jackson',
      familyName: 'Lee',
      story: {
        plan: 'draft',
        fields: [{ key: 'interests', voice: 'student', text: 'Basketball and making beats on my phone.' }],
        attendance: 'yyyynyyyyy',
        wellbeing: [3, 4, 3, 4, 3],
      },
    },
    {
      givenName: 'Isabella',
      familyName: 'Rossi',
      story: {
        plan: 'none',
        attendance: 'yyyyyyyy..',
        wellbeing: [4, 4, 3],
        notes: [{ session: 4, shared: 'Isabella asked about free lunch forms.', needs: [{ category: 'food', urgency: 'concern' }] }],
      },
    },
    {
      givenName: 'Owen',
      familyName: 'Walsh',
      story: { ...quiet, plan: 'draft', fields: [{ key: 'strengths', voice: 'student', text: 'I work hard at things I care about, like baseball.' }] },
    },
  ],
};

export const advisory9B: SampleAdvisory = {
  id: 'sandbox-adv-9b',
  label: 'ADV-9B',
  title: 'Advisory 9B',
  advisor: { sub: 'sandbox-teacher-chen', givenName: 'Marcus', familyName: 'Chen' },
  students: [
    {
      givenName: 'Aaliyah',
      familyName: 'Johnson',
      story: {
        plan: 'active',
        fields: [
          { key: 'strengths', voice: 'student', text: 'Singing, and I am really organized.' },
          { key: 'strengths', voice: 'adult', text: 'Aaliyah keeps a color-coded planner and helps others use theirs.' },
          { key: 'after-high-school', voice: 'student', text: 'Study music education and teach choir.' },
        ],
        goals: [
          {
            category: 'college-career',
            statement: 'Audition for the winter concert solo',
            measure: 'Audition done',
            target: 'Audition on the sign-up date',
            dueInWeeks: 1,
            why: 'I want to sing in front of people without freezing.',
            state: 'active',
            weeksAgo: 3,
            steps: [{ text: 'Practice with the choir director at lunch twice a week', owner: 'student', done: false }],
          },
        ],
        attendance: steady(SESSIONS),
        wellbeing: [4, 5, 4],
      },
    },
    {
      givenName: 'Dev',
      familyName: 'Sharma',
      story: {
        plan: 'draft',
        fields: [{ key: 'strengths', voice: 'student', text: 'Coding and origami.' }],
        goals: [
          {
            category: 'academic',
            statement: 'Finish the free online Python course by February',
            measure: 'Course progress page',
            target: 'All 12 lessons',
            dueInWeeks: 10,
            why: 'I want to build my own game.',
            state: 'proposed',
            weeksAgo: 1,
          },
        ],
        attendance: steady(SESSIONS),
        wellbeing: [4, 4, 5],
      },
    },
    { givenName: 'Chloe', familyName: 'Martin', story: { plan: 'none', attendance: 'yyyyynyyyy', wellbeing: [3, 4] } },
    {
      givenName: 'Jamal',
      familyName: 'Washington',
      story: {
        plan: 'active',
        fields: [
          { key: 'strengths', voice: 'student', text: 'Drawing and football.' },
          { key: 'needs', voice: 'student', text: 'Help with reading long chapters.' },
          { key: 'supports', voice: 'adult', text: 'Audiobook versions of class novels; reading lab on Mondays.' },
        ],
        attendance: 'yyyyyyynyy',
        wellbeing: [3, 3, 4, 2, 3],
        notes: [{ session: 6, shared: 'Jamal said he often skips breakfast.', needs: [{ category: 'food', urgency: 'concern' }] }],
      },
    },
    { givenName: 'Priya', familyName: 'Iyer', story: { ...quiet } },
    {
      givenName: 'Lucas',
      familyName: 'Silva',
      story: { plan: 'draft', fields: [{ key: 'interests', voice: 'student', text: 'Skateboarding and fixing old phones.' }], attendance: 'yynyynyyny', wellbeing: [3, 2, 3] },
    },
    { givenName: 'Hannah', familyName: 'Goldberg', story: { ...quiet, wellbeing: [5, 4] } },
    {
      givenName: 'Kai',
      familyName: 'Nakamura',
      story: {
        plan: 'active',
        fields: [{ key: 'strengths', voice: 'student', text: 'Swimming and being patient with little kids.' }],
        goals: [
          {
            category: 'community',
            statement: 'Volunteer at the rec center swim lessons twice a month',
            measure: 'Volunteer hours log',
            target: '8 hours by winter break',
            dueInWeeks: 3,
            why: 'I learned to swim there and want to give back.',
            state: 'active',
            weeksAgo: 6,
            progress: [{ weeksAgo: 2, by: 'student', value: '5 hours', note: 'Five hours so far.', rating: 4 }],
          },
        ],
        attendance: steady(SESSIONS),
        wellbeing: [4, 4, 4, 5],
      },
    },
    {
      givenName: 'Fatima',
      familyName: 'Ahmed',
      story: {
        plan: 'draft',
        fields: [{ key: 'what-matters', voice: 'student', text: 'My faith, my family, and getting good grades.' }],
        attendance: steady(SESSIONS),
        wellbeing: [4, 3, 4],
        notes: [{ session: 7, shared: 'Fatima has no quiet place to study at home.', needs: [{ category: 'workspace', urgency: 'concern' }] }],
      },
    },
    { givenName: 'Diego', familyName: 'Ramírez', story: { plan: 'none', attendance: 'yyyyyynnnn', wellbeing: [3, 3, 2] } },
    { givenName: 'Grace', familyName: "O'Brien", story: { ...quiet } },
    { givenName: 'Tyler', familyName: 'Begay', story: { plan: 'draft', fields: [{ key: 'strengths', voice: 'student', text: 'Running cross-country and helping on my uncle\'s farm.' }], attendance: steady(SESSIONS), wellbeing: [4, 4, 3] } },
  ],
};

export const subjectCourse = {
  id: 'sandbox-alg1',
  label: 'ALG1-3',
  title: 'Algebra I',
  teacher: { sub: 'sandbox-teacher-park', givenName: 'Daniel', familyName: 'Park' } satisfies SampleAdult,
  /** Students from both advisories, by name. */
  students: ['Amara Okafor', 'Liam Nguyen', 'Mateo García', 'Ethan Brooks', 'Jackson Lee', 'Aaliyah Johnson', 'Jamal Washington', 'Lucas Silva', 'Diego Ramírez', 'Priya Iyer'],
};

/** A school counselor who joins advisory 9A as a second adult. */
export const counselor: SampleAdult = { sub: 'sandbox-counselor-moore', givenName: 'Keisha', familyName: 'Moore' };
export const admin: SampleAdult = { sub: 'sandbox-admin-whitfield', givenName: 'Dana', familyName: 'Whitfield' };
/** The school's principal: in no course, she opens the tool from the account's navigation. */
export const leader: SampleAdult = { sub: 'sandbox-leader-castillo', givenName: 'Renata', familyName: 'Castillo' };

/** Parents and guardians: LTI Mentors of their children in the child's advisory. */
export const guardians: (SampleAdult & { children: string[]; advisory: string })[] = [
  { sub: 'sandbox-parent-okafor', givenName: 'Grace', familyName: 'Okafor', children: ['Amara Okafor'], advisory: advisory9A.id },
  { sub: 'sandbox-parent-garcia', givenName: 'Luis', familyName: 'García', children: ['Mateo García'], advisory: advisory9A.id },
  { sub: 'sandbox-parent-johnson', givenName: 'Tanya', familyName: 'Johnson', children: ['Aaliyah Johnson'], advisory: advisory9B.id },
];

/** One hand-off: Ms. Rivera passes Jackson to Mr. Chen, who coaches his basketball team; Jackson trusts the coach. */
export const handOff = { student: 'Jackson Lee', from: advisory9A.id, toAdvisorSub: advisory9B.advisor.sub, preferredAdult: 'Coach Chen' };

/** Shared notes of the weekly whole-advisory check-in, oldest first. */
export const sessionNotes = [
  'First advisory check-in: getting to know each other.',
  'Set up LMS notifications together.',
  'Talked about study habits before the first tests.',
  'Looked at grades mid-quarter.',
  'Planned for the long weekend.',
  'Practiced asking a teacher for help.',
  'Shared one win from the week.',
  'Looked at clubs and teams for winter.',
  'Checked missing work before the quarter ends.',
  'Talked about the winter break schedule.',
];

/**
 * A course whose placement says nothing about being an advisory: its teacher is asked on the first
 * launch ("Is Biology an advisory?"), and an admin can decide it on /admin/courses.
 */
export const undecidedCourse = {
  id: 'sandbox-bio',
  label: 'BIO-1',
  title: 'Biology',
  students: ['Liam Nguyen', 'Sofia Hernández', 'Dev Sharma', 'Aaliyah Johnson'],
};

/**
 * The courses of the sample school's Canvas account (src/sandbox/sample-canvas.ts), with how each sits
 * against a student's story (`offset` points): titles are data the pages show, like the names above.
 */
export const canvasCourses = [
  { id: '201', name: 'Algebra I', courseCode: 'ALG-1', offset: -4 },
  { id: '202', name: 'English 9', courseCode: 'ENG-9', offset: 3 },
  { id: '203', name: 'Biology', courseCode: 'BIO-9', offset: 0 },
] as const;

/** A community organisation outside the LMS that takes the school's housing referrals; its person signs in on /provider. */
/** The automation rule the admin wrote and switched on: a raised technology need drafts a referral (the admin's words, shown as written). */
export const sampleAutomation = { name: 'Technology need: draft a referral' };

export const communityProvider = { organisation: 'District family services', name: 'Sam Ortiz', email: 'sam.ortiz@familyservices.example.org' };

/**
 * Belonging pulse answers (config/surveys.json item ids, 1-5) the sample school already has, one set per
 * student from the second of each advisory on: the first student of 9A, whom "Launch as student" opens,
 * has not answered yet, so the card asks them to. Skipped items are left out, as a student skips them.
 */
export const pulseAnswers: readonly Readonly<Record<string, number>>[] = [
  { 'bp-part-of-school': 4, 'bp-adult-to-ask': 5, 'bp-classmates': 4, 'bp-energy': 3, 'bp-worried-safety': 2 },
  { 'bp-part-of-school': 2, 'bp-adult-to-ask': 3, 'bp-classmates': 2, 'bp-energy': 2, 'bp-worried-safety': 4 },
  { 'bp-part-of-school': 5, 'bp-adult-to-ask': 4, 'bp-classmates': 5, 'bp-worried-safety': 1 },
];

/** The district's two schools, as the LMS names them (each advisory's Canvas sub-account). */
export const sampleSchools = {
  lincoln: { lmsKey: 'sandbox-account-lincoln', name: 'Lincoln High School' },
  riverside: { lmsKey: 'sandbox-account-riverside', name: 'Riverside High School' },
} as const;
