/** Sample certificate snapshots with realistic data (preview route, docs PNGs, the bench). */
import type { CertificateSnapshot, CertificateType } from '#app/domain/certificates.ts'

const CLASS_COURSES: CertificateSnapshot['courses'] = [
  { code: 'ZZ-101', name: '思想政治', credits: 4, state: 'passed' },
  { code: 'ZZ-102', name: '语文', credits: 6, state: 'passed' },
  { code: 'ZZ-103', name: '数学', credits: 6, state: 'passed' },
  { code: 'ZZ-104', name: '信息技术', credits: 4, state: 'exempted' },
  { code: 'ZZ-201', name: '现代农业技术基础', credits: 8, state: 'passed' },
  { code: 'ZZ-202', name: '植物生产与环境', credits: 6, state: 'failed' },
  { code: 'ZZ-203', name: '农产品电子商务', credits: 6, state: 'pending' },
  { code: 'ZZ-204', name: '特色种植技术（糯米蕉、油茶）', credits: 8, state: 'pending' },
  { code: 'ZZ-301', name: '岗位实习', credits: 10, state: 'pending' },
]

const base = {
  holderName: '张三华',
  idNumberMasked: '522327********3216',
  programCode: 'skills-credential',
  programName: '职业技能学历双提升',
  groupCode: 'CH2026-ZZ01',
  groupName: '2026级现代农艺技术（者楼）班',
  majorName: '现代农艺技术',
  organizationName: '册亨县中等职业学校',
  countyName: '册亨县',
  startDate: '2026-03-01',
  endDate: '2028-12-31',
  issuedOn: '2026-11-24',
  withdrawal: null,
} satisfies Partial<CertificateSnapshot>

export function sampleSnapshot(type: CertificateType): CertificateSnapshot {
  switch (type) {
    case 'graduation':
      return {
        ...base,
        type,
        hours: 362.5,
        minutes: 16313,
        credits: { earned: 58, required: 58 },
        courses: CLASS_COURSES.map((c) => ({ ...c, state: c.state === 'exempted' ? 'exempted' : 'passed' })),
      }
    case 'completion':
      return { ...base, type, hours: 360.0, minutes: 16200, credits: { earned: 46, required: 58 }, courses: CLASS_COURSES }
    case 'study_record':
      return {
        ...base,
        type,
        endDate: '2026-11-10',
        hours: 126.5,
        minutes: 5693,
        credits: { earned: 28, required: 58 },
        courses: CLASS_COURSES,
        withdrawal: { date: '2026-11-10', reason: '外出务工' },
      }
    case 'training':
      return {
        ...base,
        type,
        holderName: '欧阳丽娟',
        idNumberMasked: '522327********0428',
        programCode: 'teacher-training',
        programName: '教师培训',
        groupCode: 'CH2026-XCJS',
        groupName: '2026年乡村教师能力提升培训',
        majorName: null,
        organizationName: '册亨县教师发展中心',
        startDate: '2026-07-10',
        endDate: '2026-08-20',
        hours: 40.0,
        minutes: 1800,
        credits: null,
        courses: [],
      }
  }
}

export const sampleSerial = (type: CertificateType, sequence = 123) =>
  `522327-2026-${{ graduation: 'B', completion: 'J', study_record: 'X', training: 'P' }[type]}-${String(sequence).padStart(6, '0')}`

export const SAMPLE_VERIFY_URL = 'https://xiangxue.ceheng.gov.cn/v/7QK2M9XH4R6T8W3Z5B1N'
