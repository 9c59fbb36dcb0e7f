/**
 * Every message the server says, in Chinese and English side by side so neither language
 * can fall behind. Keys are grouped by prefix: `error.` for API errors, `v.` for field
 * validation.
 */
import { uiMessages } from './ui-messages.js';
import { importMessages } from './import-messages.js';
import { accountMessages } from './account-messages.js';
import { layoutMessages } from './layout-messages.js';
import { programmeMessages } from './programme-messages.js';
import { securityMessages } from './security-messages.js';
import { captureMessages } from './capture-messages.js';
import { offlineMessages } from './offline-messages.js';
import { pageMessages } from './page-messages.js';
import { reportMessages } from './report-messages.js';

export const messages = {
  ...uiMessages,
  ...importMessages,
  ...accountMessages,
  ...layoutMessages,
  ...programmeMessages,
  ...securityMessages,
  ...captureMessages,
  ...offlineMessages,
  ...pageMessages,
  ...reportMessages,
  // API errors
  'error.ValidationFailed': { zh: '提交的数据有误，未保存任何内容', en: 'The submitted data is invalid; nothing was saved' },
  'error.MalformedJson': { zh: '请求内容不是有效的 JSON', en: 'The request body is not valid JSON' },
  'error.PayloadTooLarge': { zh: '请求内容过大', en: 'The request body is too large' },
  'error.NotFound': { zh: '未找到该资源', en: 'Not found' },
  'error.RouteNotFound': { zh: '没有这个地址：{path}', en: 'No such address: {path}' },
  'error.Internal': { zh: '服务器内部错误，请稍后再试', en: 'Internal server error; please try again later' },
  'error.VersionConflict': { zh: '该记录已被他人修改，请查看最新内容后再保存', en: 'Someone else changed this record; review the current version and save again' },
  'error.Conflict': { zh: '与现有数据冲突', en: 'Conflicts with existing data' },
  'error.UnsupportedMediaType': { zh: '不支持的内容类型：{type}', en: 'Unsupported content type: {type}' },
  'error.ProjectNotFound': { zh: '未找到项目 {id}', en: 'Project {id} not found' },
  'error.SiteNotFound': { zh: '未找到示范点 {id}', en: 'Site {id} not found' },
  'error.TrialNotFound': { zh: '未找到试验 {id}', en: 'Trial {id} not found' },
  'error.PlotNotFound': { zh: '未找到小区 {id}', en: 'Plot {id} not found' },
  'error.ObservationNotFound': { zh: '未找到观测记录 {id}', en: 'Observation {id} not found' },
  'error.FarmerNotFound': { zh: '未找到农户 {id}', en: 'Farmer {id} not found' },
  'error.TrainingSessionNotFound': { zh: '未找到培训记录 {id}', en: 'Training session {id} not found' },
  'error.VariableNotFound': { zh: '未找到指标 {id}', en: 'Variable {id} not found' },

  // Field validation
  'v.required': { zh: '必填', en: 'is required' },
  'v.notEmpty': { zh: '不能为空', en: 'must not be empty' },
  'v.string': { zh: '应为文本', en: 'must be text' },
  'v.number': { zh: '应为数字', en: 'must be a number' },
  'v.integer': { zh: '应为整数', en: 'must be a whole number' },
  'v.boolean': { zh: '应为是或否（true/false）', en: 'must be true or false' },
  'v.array': { zh: '应为列表', en: 'must be a list' },
  'v.object': { zh: '应为对象', en: 'must be an object' },
  'v.tooLong': { zh: '过长：不能超过 {maximum} 个字符', en: 'is too long: at most {maximum} characters' },
  'v.tooShort': { zh: '至少需要 {minimum} 项', en: 'needs at least {minimum} item(s)' },
  'v.min': { zh: '不能小于 {minimum}', en: 'must be at least {minimum}' },
  'v.max': { zh: '不能大于 {maximum}', en: 'must be at most {maximum}' },
  'v.oneOf': { zh: '应为以下之一：{values}', en: 'must be one of: {values}' },
  'v.unknownField': { zh: '未知字段：{keys}', en: 'unknown field(s): {keys}' },
  'v.date': { zh: '不是有效日期（格式 YYYY-MM-DD），收到“{value}”', en: 'is not a valid date (YYYY-MM-DD); got "{value}"' },
  'v.decimal': { zh: '不是有效数字，收到“{value}”', en: 'is not a valid number; got "{value}"' },
  'v.count': { zh: '应为非负整数，收到“{value}”', en: 'must be a whole number of 0 or more; got "{value}"' },
  'v.belowMinimum': { zh: '{value} 小于该指标的最小值 {minimum}', en: '{value} is below the variable\'s minimum of {minimum}' },
  'v.aboveMaximum': { zh: '{value} 大于该指标的最大值 {maximum}', en: '{value} is above the variable\'s maximum of {maximum}' },
  'v.category': { zh: '“{value}”不在该指标的类别中：{values}', en: '"{value}" is not one of the variable\'s categories: {values}' },
  'v.code': { zh: '编码只能包含字母、数字、下划线、短横线和点，且以字母开头', en: 'a code may hold letters, digits, _ - and . and must start with a letter' },
  'v.unknownPlot': { zh: '该试验中没有小区“{value}”', en: 'the trial has no plot "{value}"' },
  'v.unknownVariable': { zh: '没有指标“{value}”', en: 'there is no variable "{value}"' },
  'v.variableNotInTrial': { zh: '指标“{value}”不属于该试验', en: 'variable "{value}" is not measured in this trial' },
  'v.unknownArm': { zh: '该试验没有处理“{value}”，可选：{values}', en: 'the trial has no arm "{value}"; it has: {values}' },
  'v.unknownSite': { zh: '该项目中没有示范点 {value}', en: 'the project has no site {value}' },
  'v.unknownFarmer': { zh: '该项目中没有农户 {value}', en: 'the project has no farmer {value}' },
  'v.duplicateLabel': { zh: '小区编号“{value}”在该试验中已存在', en: 'plot label "{value}" already exists in this trial' },
  'v.duplicateInBatch': { zh: '“{value}”在本次提交中重复', en: '"{value}" appears more than once in this submission' },
  'v.duplicateCode': { zh: '编码“{value}”已存在', en: 'code "{value}" already exists' },
  'v.duplicateName': { zh: '名称“{value}”已存在', en: 'name "{value}" already exists' },
  'v.oneControl': { zh: '一个试验最多只能有一个对照', en: 'a trial may have at most one control arm' },
  'v.armInUse': { zh: '处理“{value}”已有小区，不能删除', en: 'arm "{value}" has plots and cannot be removed' },
  'v.variableInUse': { zh: '指标“{value}”已有观测数据，不能从试验中移除', en: 'variable "{value}" has observations and cannot be removed from the trial' },
  'v.attendanceBelowRoster': { zh: '参加人数 {attendance} 少于签到名单人数 {roster}', en: 'attendance {attendance} is below the roster\'s {roster} farmers' },
  'v.womenAboveAttendance': { zh: '女性人数 {women} 超过参加人数 {attendance}', en: 'women {women} exceed attendance {attendance}' },
  'v.womenBelowRoster': { zh: '女性人数 {women} 少于名单中的女性 {roster} 人', en: 'women {women} is below the {roster} women on the roster' },
  'v.endBeforeStart': { zh: '结束日期早于开始日期', en: 'the end date is before the start date' },
  'v.minAboveMax': { zh: '最小值大于最大值', en: 'the minimum is above the maximum' },
  'v.categoriesRequired': { zh: '类别型指标需要列出类别', en: 'a category variable needs its categories' },
  'v.categoriesOnlyForCategory': { zh: '只有类别型指标可以设置类别', en: 'only a category variable takes categories' },
  'v.rangeOnlyForNumbers': { zh: '只有数值或计数型指标可以设置范围', en: 'only number or count variables take a range' },
  'v.aggregationForKind': { zh: '{kind} 型指标不能按 {value} 汇总', en: 'a {kind} variable cannot be aggregated by {value}' },
  'v.emptyBatch': { zh: '没有要保存的记录', en: 'there is nothing to save' },
  'v.siteOtherProject': { zh: '示范点 {value} 不属于该试验的项目', en: 'site {value} does not belong to the trial\'s project' },
} as const;

export type MessageKey = keyof typeof messages;
