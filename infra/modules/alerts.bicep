// What tells the people who run the channel that something is wrong (infra/README.md, "Alerts",
// has a runbook for each): one action group that emails them, the alerts, and a workbook with the
// last day's figures per channel and queue. The app's own figures (sms.*) reach Application
// Insights as custom metrics (customMetrics) through the Azure Monitor OpenTelemetry distro.
param location string
param tags object
@description('Where alerts are emailed; empty: the action group has no receiver yet.')
param alertEmail string
param appInsightsName string
param serviceBusNamespaceName string
param acsTopicName string
param eventsTopicName string
@description('Alert when more than this percent of sends failed in 15 minutes.')
param sendFailurePercent int
@description('Alert when more than this many function invocations failed in 15 minutes.')
param functionFailures int
@description('Alert when a conversation has waited longer than this many seconds for an agent.')
param oldestWaitSeconds int

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2026-01-01' existing = {
  name: serviceBusNamespaceName
}

resource acsTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: acsTopicName
}

resource eventsTopic 'Microsoft.EventGrid/topics@2022-06-15' existing = {
  name: eventsTopicName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'sms-operations'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'sms-ops'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'operations'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

var actions = [
  {
    actionGroupId: actionGroup.id
  }
]

// Any message in any queue's dead-letter queue (split by queue: one alert per queue that has some).
resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'sms-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'A message is in a Service Bus dead-letter queue (infra/README.md, Alerts: sms-dead-letters).'
    severity: 1
    enabled: true
    scopes: [serviceBus.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: ['*']
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    autoMitigate: true
    actions: actions
  }
}

// Event Grid could not deliver: ACS's SMS events to the app, or integration events to a subscriber.
var eventGridChecks = [
  {
    name: 'sms-acs-events-delivery-failed'
    scope: acsTopic.id
    namespace: 'Microsoft.EventGrid/systemTopics'
    metric: 'DeliveryAttemptFailCount'
    what: 'Event Grid failed to deliver ACS SMS events to the app'
  }
  {
    name: 'sms-acs-events-dead-lettered'
    scope: acsTopic.id
    namespace: 'Microsoft.EventGrid/systemTopics'
    metric: 'DeadLetteredCount'
    what: 'Event Grid dead-lettered ACS SMS events (customer messages or delivery reports never reached the app)'
  }
  {
    name: 'sms-events-topic-delivery-failed'
    scope: eventsTopic.id
    namespace: 'Microsoft.EventGrid/topics'
    metric: 'DeliveryAttemptFailCount'
    what: 'Event Grid failed to deliver integration events to a subscriber'
  }
  {
    name: 'sms-events-topic-dead-lettered'
    scope: eventsTopic.id
    namespace: 'Microsoft.EventGrid/topics'
    metric: 'DeadLetteredCount'
    what: 'Event Grid dead-lettered integration events'
  }
]

resource eventGrid 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for check in eventGridChecks: {
    name: check.name
    location: 'global'
    tags: tags
    properties: {
      description: '${check.what} (infra/README.md, Alerts: ${check.name}).'
      severity: 2
      enabled: true
      scopes: [check.scope]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: check.metric
            metricNamespace: check.namespace
            metricName: check.metric
            operator: 'GreaterThan'
            threshold: 0
            timeAggregation: 'Total'
          }
        ]
      }
      autoMitigate: true
      actions: actions
    }
  }
]

// Function invocations that failed (HTTP requests and trigger runs alike are requests in Application Insights).
resource functionFailureAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'sms-function-failures'
  location: 'global'
  tags: tags
  properties: {
    description: 'Function invocations are failing (infra/README.md, Alerts: sms-function-failures).'
    severity: 2
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'failed-requests'
          metricNamespace: 'microsoft.insights/components'
          metricName: 'requests/failed'
          operator: 'GreaterThan'
          threshold: functionFailures
          timeAggregation: 'Count'
        }
      ]
    }
    autoMitigate: true
    actions: actions
  }
}

// The app's own figures are custom metrics: these alerts query them (customMetrics) in Application Insights.
resource sendFailures 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'sms-send-failures'
  location: location
  tags: tags
  properties: {
    description: 'More than ${sendFailurePercent}% of messages failed to reach customers in 15 minutes (infra/README.md, Alerts: sms-send-failures).'
    severity: 2
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: '''
customMetrics
| where name in ("sms.messages.sent", "sms.delivery.failures")
| summarize sent = sumif(valueSum, name == "sms.messages.sent"), failed = sumif(valueSum, name == "sms.delivery.failures")
| where failed > 0
| extend failedPercent = 100.0 * failed / (sent + failed)
'''
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'failedPercent'
          operator: 'GreaterThan'
          threshold: sendFailurePercent
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [actionGroup.id]
    }
  }
}

resource oldestWait 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'sms-oldest-wait'
  location: location
  tags: tags
  properties: {
    description: 'A conversation has waited more than ${oldestWaitSeconds} s for an agent (infra/README.md, Alerts: sms-oldest-wait).'
    severity: 2
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: '''
customMetrics
| where name == "sms.queue.oldest_wait"
| extend queue = tostring(customDimensions.queue)
| summarize oldestWait = max(valueMax) by queue
'''
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'oldestWait'
          dimensions: [
            {
              name: 'queue'
              operator: 'Include'
              values: ['*']
            }
          ]
          operator: 'GreaterThan'
          threshold: oldestWaitSeconds
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [actionGroup.id]
    }
  }
}

// The last day's figures per channel and per queue, from the app's custom metrics.
var perChannel = '''
customMetrics
| where timestamp > ago(1d) and name in ("sms.messages.received", "sms.messages.sent", "sms.delivery.failures", "sms.consent.changes", "sms.auto_closes")
| extend channel = tostring(customDimensions.channel)
| summarize total = sum(valueSum) by channel, name
| evaluate pivot(name, sum(total))
'''
var perQueue = '''
customMetrics
| where timestamp > ago(1d) and name in ("sms.assignments", "sms.accept_to_assigned", "sms.first_reply_wait", "sms.queue.depth", "sms.queue.oldest_wait")
| extend queue = tostring(customDimensions.queue)
| summarize assignments = sumif(valueSum, name == "sms.assignments"),
    avgAcceptToAssignedMs = sumif(valueSum, name == "sms.accept_to_assigned") / sumif(valueCount, name == "sms.accept_to_assigned"),
    avgFirstReplyWaitMs = sumif(valueSum, name == "sms.first_reply_wait") / sumif(valueCount, name == "sms.first_reply_wait"),
    maxDepth = maxif(valueMax, name == "sms.queue.depth"),
    maxOldestWaitSeconds = maxif(valueMax, name == "sms.queue.oldest_wait")
    by queue
'''
var deadLettersByQueue = '''
customMetrics
| where timestamp > ago(1d) and name == "sms.work.dead_letters"
| extend queue = tostring(customDimensions.queue)
| summarize deadLetters = max(valueMax) by queue, bin(timestamp, 1h)
| render timechart
'''
var acceptToStored = '''
customMetrics
| where timestamp > ago(1d) and name == "sms.accept_to_stored"
| summarize avgMs = sum(valueSum) / sum(valueCount), maxMs = max(valueMax) by bin(timestamp, 1h)
| render timechart
'''

var workbookContent = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 1
      content: { json: '## Omnichannel SMS, the last day\nFigures the app records (docs/operations.md, Metrics).' }
      name: 'title'
    }
    {
      type: 3
      content: { version: 'KqlItem/1.0', query: perChannel, size: 0, title: 'Per channel', queryType: 0, resourceType: 'microsoft.insights/components' }
      name: 'per-channel'
    }
    {
      type: 3
      content: { version: 'KqlItem/1.0', query: perQueue, size: 0, title: 'Per queue', queryType: 0, resourceType: 'microsoft.insights/components' }
      name: 'per-queue'
    }
    {
      type: 3
      content: { version: 'KqlItem/1.0', query: deadLettersByQueue, size: 0, title: 'Dead letters per work queue', queryType: 0, resourceType: 'microsoft.insights/components' }
      name: 'dead-letters'
    }
    {
      type: 3
      content: { version: 'KqlItem/1.0', query: acceptToStored, size: 0, title: 'Accept to stored (ms)', queryType: 0, resourceType: 'microsoft.insights/components' }
      name: 'accept-to-stored'
    }
  ]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'sms-operations-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Omnichannel SMS: the last day'
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: string(workbookContent)
  }
}

output actionGroupId string = actionGroup.id
output workbookId string = workbook.id
