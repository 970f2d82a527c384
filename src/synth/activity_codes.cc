#include "synth/activity_codes.h"

namespace icb::synth {
namespace {

// Indexes of data/types.h kQofConditions.
enum C : int {
  AF = 0, AST, CAN, CHD, CKD, COPD, DEM, DEP, DM, EP, HF, HYP, LD, MH, NDH, OB, OST, PAD, PC, RA, STIA
};
constexpr int N = kNoCondition;

ActivityCodes Build() {
  ActivityCodes a;
  // Emergency admission reasons. ICD-10 without dot (X fills a 3-character code); HRG roots exist
  // in the NCC 2023/24 non-elective schedule; SNOMED CT ids are the A&E diagnosis when the
  // admission came through A&E.
  a.nel_reasons = {
      // name, icd10, hrg, ae snomed, weight, condition, +weight, min age, max age, sex, terminal weight
      {"chest pain", "R074", "EB12", "29857009", 8, N, 0, 16, 120, 'A', 0},
      {"abdominal pain", "R104", "FD05", "21522001", 8, N, 0, 5, 120, 'A', 0.2},
      {"pneumonia", "J189", "DZ11", "233604007", 5, COPD, 3, 16, 120, 'A', 4},
      {"lower respiratory tract infection", "J22X", "DZ22", "267036007", 4, COPD, 3, 16, 120, 'A', 2},
      {"urinary tract infection", "N390", "LA04", "68566005", 5, N, 0, 16, 120, 'A', 1},
      {"sepsis", "A419", "WJ06", "91302008", 3, CAN, 2, 16, 120, 'A', 4},
      {"cellulitis", "L039", "JD07", "128045006", 3, DM, 1, 16, 120, 'A', 0.2},
      {"syncope and collapse", "R55X", "EB08", "271594007", 3, N, 0, 16, 120, 'A', 0.5},
      {"falls", "R296", "WH09", "217082002", 2, DEM, 2, 65, 120, 'A', 1},
      {"fracture of neck of femur", "S720", "HE11", "5913000", 1.5, OST, 2, 60, 120, 'A', 1},
      {"acute kidney injury", "N179", "LA07", "", 1.5, CKD, 2, 50, 120, 'A', 1},
      {"gastroenteritis", "A099", "FD01", "62315008", 3, N, 0, 1, 120, 'A', 0},
      {"head injury", "S099", "AA26", "82271004", 2, EP, 1, 0, 120, 'A', 0},
      {"poisoning", "T509", "WH04", "55680006", 1.5, MH, 4, 12, 70, 'A', 0},
      {"acute myocardial infarction", "I214", "EB10", "22298006", 1, CHD, 4, 35, 120, 'A', 1},
      {"stroke", "I639", "AA35", "230690007", 1, STIA, 3, 45, 120, 'A', 2},
      {"heart failure", "I500", "EB03", "84114007", 0.2, HF, 12, 40, 120, 'A', 3},
      {"COPD exacerbation", "J441", "DZ65", "267036007", 0, COPD, 14, 35, 120, 'A', 3},
      {"asthma", "J459", "DZ15", "195967001", 0.2, AST, 4, 16, 120, 'A', 0},
      {"atrial fibrillation", "I489", "EB07", "49436004", 0.3, AF, 6, 30, 120, 'A', 0.3},
      {"diabetes with hyperglycaemia", "E119", "KB02", "", 0, DM, 1.5, 16, 120, 'A', 0.2},
      {"seizure", "G409", "AA26", "91175000", 0.3, EP, 8, 1, 120, 'A', 0},
      {"delirium", "F059", "WD01", "", 0.3, DEM, 4, 65, 120, 'A', 1},
      {"miscarriage", "O039", "MB08", "", 1.5, N, 0, 16, 45, 'F', 0},
      {"back pain", "M545", "HD26", "279039007", 1.5, N, 0, 16, 120, 'A', 0},
      {"acute upper respiratory infection", "J069", "PD11", "195662009", 6, N, 0, 0, 15, 'A', 0},
      {"wheeze", "J459", "PD12", "195967001", 3, AST, 3, 1, 15, 'A', 0},
      {"lower respiratory infection in a child", "J22X", "PD14", "267036007", 4, N, 0, 0, 15, 'A', 0},
      {"viral infection", "B349", "PW01", "386661006", 6, N, 0, 0, 15, 'A', 0},
      {"neonatal jaundice", "P599", "PB04", "", 8, N, 0, 0, 0, 'A', 0},
  };
  a.procedures = {
      // name, icd10, opcs, hrg, day case, weight, condition, +weight, min, max, sex, mean LOS
      {"total hip replacement", "M169", "W371", "HN12", false, 3, OB, 1, 55, 120, 'A', 4},
      {"total knee replacement", "M179", "W401", "HN22", false, 3.5, OB, 1, 55, 120, 'A', 4},
      {"cholecystectomy", "K802", "J183", "GA10", false, 2, OB, 1, 18, 120, 'A', 2},
      {"inguinal hernia repair", "K409", "T201", "FF62", false, 1.5, N, 0, 0, 120, 'M', 1.5},
      {"hysterectomy", "N939", "Q074", "MA07", false, 1.5, N, 0, 30, 75, 'F', 3},
      {"transurethral resection of prostate", "N40X", "M651", "LB25", false, 1.5, N, 0, 55, 120, 'M', 2},
      {"coronary artery bypass graft", "I251", "K401", "ED28", false, 0, CHD, 1.0, 40, 120, 'A', 8},
      {"coronary angioplasty", "I251", "K751", "EY41", false, 0, CHD, 1.5, 40, 120, 'A', 2},
      {"colon resection", "C189", "H079", "FF32", false, 0, CAN, 1.0, 40, 120, 'A', 7},
      {"tonsillectomy", "J350", "F341", "CA60", false, 1, N, 0, 3, 30, 'A', 1},
      {"cataract extraction", "H259", "C712", "BZ34", true, 8, DM, 1, 55, 120, 'A', 0},
      {"upper GI endoscopy with biopsy", "K219", "G451", "FE21", true, 5, N, 0, 19, 120, 'A', 0},
      {"upper GI endoscopy", "K219", "G459", "FE22", true, 3, N, 0, 19, 120, 'A', 0},
      {"therapeutic colonoscopy", "D126", "H201", "FE30", true, 3, N, 0, 19, 120, 'A', 0},
      {"colonoscopy with biopsy", "K573", "H221", "FE31", true, 4, N, 0, 19, 120, 'A', 0},
      {"diagnostic colonoscopy", "K573", "H229", "FE32", true, 4, N, 0, 19, 120, 'A', 0},
      {"flexible sigmoidoscopy", "K625", "H259", "FE35", true, 2, N, 0, 19, 120, 'A', 0},
      {"diagnostic cystoscopy", "R31X", "M459", "LB72", true, 3, N, 0, 19, 120, 'A', 0},
      {"chemotherapy", "Z511", "", "SB97", true, 0, CAN, 25, 0, 120, 'A', 0},
      {"excision of skin lesion", "D239", "S069", "JC43", true, 3, N, 0, 19, 120, 'A', 0},
      {"carpal tunnel release", "G560", "A651", "HN45", true, 2, N, 0, 19, 120, 'A', 0},
      {"inguinal hernia repair", "K409", "T201", "FF62", true, 1.5, N, 0, 0, 120, 'M', 0},
      {"tonsillectomy", "J350", "F341", "CA60", true, 1, N, 0, 3, 30, 'A', 0},
      {"extraction of multiple teeth", "K021", "F104", "CD06", true, 2, N, 0, 2, 120, 'A', 0},
      {"insertion of grommets", "H652", "D151", "CA35", true, 2, N, 0, 1, 15, 'A', 0},
      {"laparoscopic cholecystectomy", "K802", "J183", "GA10", true, 1.5, OB, 1, 19, 120, 'A', 0},
      {"blood transfusion", "D649", "", "SA44", true, 1, CKD, 2, 19, 120, 'A', 0},
  };
  a.maternity = {
      // name, icd10, opcs, hrg, method, weight, mean LOS
      {"spontaneous vertex delivery", "O800", "R249", "NZ30", "31", 0.40, 1.2},
      {"delivery with induction or epidural", "O800", "R249", "NZ31", "31", 0.20, 2},
      {"planned caesarean section", "O820", "R171", "NZ50", "31", 0.08, 3},
      {"emergency caesarean section", "O821", "R181", "NZ51", "31", 0.10, 3.5},
      {"antenatal observation", "O479", "", "NZ16", "31", 0.12, 0.7},
      {"antenatal disorder", "O234", "", "NZ19", "31", 0.06, 1.5},
      {"postnatal complication", "O862", "", "NZ20", "32", 0.04, 1.5},
  };
  a.op_specialties = {
      // tfc, weight, conditions, min, max, sex, cancer, procedure share, procedure HRG, OPCS
      {"100", 6, {}, 0, 120, 'A', false, 0, "", ""},
      {"101", 4, {}, 0, 120, 'A', false, 0.15, "LB72", "M459"},
      {"110", 8, {{OST, 3}, {RA, 2}}, 0, 120, 'A', false, 0, "", ""},
      {"120", 5, {}, 0, 120, 'A', false, 0, "", ""},
      {"130", 9, {{DM, 4}}, 0, 120, 'A', false, 0.25, "BZ88", ""},
      {"140", 2, {}, 0, 120, 'A', false, 0, "", ""},
      {"150", 0.5, {}, 0, 120, 'A', false, 0, "", ""},
      {"160", 1.5, {}, 0, 120, 'A', false, 0, "", ""},
      {"300", 3, {{CKD, 1}, {DM, 1}}, 16, 120, 'A', false, 0, "", ""},
      {"301", 4, {}, 16, 120, 'A', false, 0, "", ""},
      {"302", 1, {{DM, 4}}, 16, 120, 'A', false, 0, "", ""},
      {"303", 1.5, {{CAN, 1}}, 16, 120, 'A', true, 0, "", ""},
      {"320", 4, {{CHD, 3}, {AF, 3}, {HF, 4}}, 16, 120, 'A', false, 0.15, "EY51", ""},
      {"330", 5, {}, 0, 120, 'A', false, 0.15, "JC43", "S069"},
      {"340", 2, {{COPD, 4}, {AST, 2}}, 16, 120, 'A', false, 0, "", ""},
      {"361", 0.3, {{CKD, 3}}, 16, 120, 'A', false, 0, "", ""},
      {"370", 0.3, {{CAN, 8}}, 16, 120, 'A', true, 0, "", ""},
      {"400", 2, {{EP, 5}, {STIA, 2}}, 16, 120, 'A', false, 0, "", ""},
      {"410", 2, {{RA, 8}, {OST, 3}}, 16, 120, 'A', false, 0, "", ""},
      {"420", 12, {{AST, 2}, {EP, 2}, {LD, 2}}, 0, 15, 'A', false, 0, "", ""},
      {"430", 3, {{DEM, 3}}, 75, 120, 'A', false, 0, "", ""},
      {"502", 6, {}, 16, 120, 'F', false, 0, "", ""},
      {"503", 0.3, {{CAN, 1}}, 16, 120, 'F', true, 0, "", ""},
      {"560", 6, {}, 16, 49, 'F', false, 0, "", ""},
      {"650", 4, {}, 0, 120, 'A', false, 0, "", ""},
      {"800", 0.3, {{CAN, 6}}, 16, 120, 'A', true, 0, "", ""},
      {"812", 2, {}, 0, 120, 'A', false, 0, "", ""},
  };
  a.condition_drugs = {
      {HYP, "0206020A0", 0.55, 1}, {HYP, "0205051R0", 0.50, 1}, {HYP, "0204000H0", 0.15, 1},
      {HYP, "0212000B0", 0.45, 1},
      {DM, "0601022B0", 0.85, 1}, {DM, "0601021M0", 0.25, 1}, {DM, "0601023AG", 0.15, 1},
      {DM, "0601023AN", 0.15, 1}, {DM, "0212000B0", 0.75, 1}, {DM, "0205051R0", 0.40, 1},
      {DM, "0601023AW", 0.10, 1},
      {CHD, "0212000B0", 0.85, 1}, {CHD, "0209000A0", 0.60, 1}, {CHD, "0209000C0", 0.25, 1},
      {CHD, "0204000H0", 0.60, 1}, {CHD, "0205051R0", 0.50, 1},
      {AF, "0208020Z0", 0.55, 1}, {AF, "0208020Y0", 0.15, 1}, {AF, "0208020AA", 0.10, 1},
      {AF, "0204000H0", 0.60, 1},
      {HF, "0202020L0", 0.70, 1}, {HF, "0204000H0", 0.70, 1}, {HF, "0205051R0", 0.60, 1},
      {HF, "0601023AG", 0.30, 1},
      {STIA, "0209000C0", 0.70, 1}, {STIA, "0212000B0", 0.80, 1}, {STIA, "0206020A0", 0.30, 1},
      {PAD, "0209000C0", 0.60, 1}, {PAD, "0212000B0", 0.70, 1},
      {CKD, "0212000B0", 0.50, 1}, {CKD, "0205051R0", 0.30, 1}, {CKD, "0202020L0", 0.10, 1},
      {CKD, "0906040G0", 0.20, 1},
      {NDH, "0212000B0", 0.15, 1},
      {AST, "0301011R0", 0.85, 0.5}, {AST, "0302000C0", 0.65, 0.75}, {AST, "0303020G0", 0.10, 1},
      {COPD, "0301011R0", 0.90, 0.7}, {COPD, "0301020Q0", 0.60, 1}, {COPD, "0302000C0", 0.50, 0.8},
      {DEP, "0403030Q0", 0.40, 1}, {DEP, "0403030D0", 0.25, 1}, {DEP, "0403030E0", 0.12, 1},
      {DEP, "0403040X0", 0.15, 1},
      {MH, "0402010AB", 0.40, 1}, {MH, "0402010AD", 0.35, 1}, {MH, "0403030Q0", 0.20, 1},
      {EP, "0408010A0", 0.55, 1}, {EP, "0408010H0", 0.40, 1},
      {DEM, "0411000D0", 0.45, 1}, {DEM, "0411000G0", 0.25, 1}, {DEM, "0403030Q0", 0.20, 1},
      {DEM, "0407010H0", 0.30, 1},
      {OST, "0606020A0", 0.60, 1}, {OST, "0906040G0", 0.60, 1},
      {RA, "1001030U0", 0.60, 1}, {RA, "1001010P0", 0.20, 1}, {RA, "0407010F0", 0.20, 1},
      {CAN, "0407010F0", 0.20, 1}, {CAN, "0103050P0", 0.15, 1},
      {PC, "0407010F0", 0.40, 1}, {PC, "0407010H0", 0.30, 1},
      {LD, "0408010H0", 0.15, 1},
  };
  a.age_drugs = {
      {"0103050P0", 'A', {{20, 0.01}, {40, 0.05}, {60, 0.12}, {80, 0.22}}, 1.1},
      {"0103050L0", 'A', {{20, 0.01}, {40, 0.05}, {60, 0.12}, {80, 0.22}}, 1.1},
      {"0602010V0", 'A', {{20, 0.002}, {50, 0.004}, {70, 0.006}}, 5.0},
      {"0212000B0", 'A', {{40, 0}, {60, 0.20}, {75, 0.35}}, 0.8},
      {"0407010F0", 'A', {{40, 0}, {60, 0.08}, {80, 0.18}}, 1.3},
      {"0407010H0", 'A', {{60, 0}, {80, 0.12}}, 1.3},
      {"0906040G0", 'A', {{50, 0}, {70, 0.08}, {85, 0.25}}, 1.5},
      {"0209000A0", 'A', {{60, 0}, {85, 0.10}}, 1.0},
      {"0704010U0", 'M', {{50, 0}, {70, 0.15}, {85, 0.25}}, 1.0},
      {"1001010P0", 'A', {{30, 0}, {60, 0.04}}, 1.2},
      {"0304010I0", 'A', {{5, 0.01}, {30, 0.03}}, 1.2},
  };
  a.acute_drugs = {
      {"0501013B0", 0.10, 0.10}, {"0501130R0", 0.01, 0.05}, {"0407010H0", 0.20, 0.20},
      {"1001010P0", 0.12, 0.12}, {"0407010F0", 0.12, 0.12}, {"0304010I0", 0.12, 0.12},
  };
  a.ae_diagnoses = {
      {"29857009", 10, 16, 120, CHD, 10},   // chest pain
      {"21522001", 12, 3, 120, N, 0},       // abdominal pain
      {"267036007", 6, 0, 120, COPD, 20},   // dyspnoea
      {"125667009", 10, 0, 120, N, 0},      // contusion
      {"125605004", 5, 0, 120, OST, 10},    // fracture of bone
      {"82271004", 5, 0, 120, N, 0},        // injury of head
      {"68566005", 3, 16, 120, N, 0},       // urinary tract infection
      {"386661006", 8, 0, 15, N, 0},        // fever
      {"271594007", 3, 16, 120, N, 0},      // syncope
      {"161891005", 5, 16, 120, N, 0},      // back pain
      {"25064002", 4, 5, 120, N, 0},        // headache
      {"217082002", 6, 65, 120, DEM, 10},   // accidental fall
      {"49727002", 4, 0, 120, AST, 5},      // cough
      {"65363002", 3, 0, 15, N, 0},         // otitis media
      {"128045006", 2, 16, 120, DM, 3},     // cellulitis
      {"91175000", 1, 0, 120, EP, 30},      // seizure
      {"57676002", 6, 16, 120, N, 0},       // joint pain
      {"62315008", 3, 0, 120, N, 0},        // diarrhoea
  };
  return a;
}

}  // namespace

const ActivityCodes& GetActivityCodes() {
  static const ActivityCodes kCodes = Build();
  return kCodes;
}

}  // namespace icb::synth
