// The properties panel offers what Ravand reads (assignment, due date, priority, forms, service task
// names, timers, conditions, messages, scripts, retries) and hides what deploy refuses or ignores
// (listeners, connectors, input/output mappings, field injection, history and tasklist settings).

const HIDDEN = new Set([
  'CamundaPlatform__ExecutionListener', 'CamundaPlatform__TaskListener',
  'CamundaPlatform__Input', 'CamundaPlatform__Output',
  'CamundaPlatform__ConnectorInput', 'CamundaPlatform__ConnectorOutput',
  'CamundaPlatform__InMapping', 'CamundaPlatform__InMappingPropagation',
  'CamundaPlatform__OutMapping', 'CamundaPlatform__OutMappingPropagation',
  'CamundaPlatform__FieldInjection', 'CamundaPlatform__HistoryCleanup', 'CamundaPlatform__Tasklist',
  'CamundaPlatform__CandidateStarter', 'CamundaPlatform__ExternalTask', 'CamundaPlatform__Errors',
  'CamundaPlatform__ExtensionProperties', 'CamundaPlatform__AsynchronousContinuations',
]);

class RavandPropertiesFilter {
  constructor(propertiesPanel) {
    propertiesPanel.registerProvider(100, this); // after the Camunda provider (500)
  }

  getGroups() {
    return (groups) => groups.filter((group) => !HIDDEN.has(group.id));
  }
}

RavandPropertiesFilter.$inject = ['propertiesPanel'];

export const PropertiesFilterModule = {
  __init__: ['ravandPropertiesFilter'],
  ravandPropertiesFilter: ['type', RavandPropertiesFilter],
};
