// A new diagram starts here: a start event, one user task for a group, an end event, laid out.

function randomId() {
  return Math.random().toString(36).slice(2, 8);
}

export function newDiagram(name = 'New process') {
  const suffix = randomId();
  const key = `process_${suffix}`;
  const escaped = name.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' }[c]));
  return {
    key,
    xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="defs_${suffix}" targetNamespace="http://ravand.local/bpmn" exporter="Ravand">
  <bpmn:process id="${key}" name="${escaped}" isExecutable="true">
    <bpmn:startEvent id="start_${suffix}" name="Requested">
      <bpmn:outgoing>flow_a_${suffix}</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="review_${suffix}" name="Review" camunda:candidateGroups="sales" camunda:dueDate="P2D">
      <bpmn:incoming>flow_a_${suffix}</bpmn:incoming>
      <bpmn:outgoing>flow_b_${suffix}</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end_${suffix}" name="Done">
      <bpmn:incoming>flow_b_${suffix}</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_a_${suffix}" sourceRef="start_${suffix}" targetRef="review_${suffix}" />
    <bpmn:sequenceFlow id="flow_b_${suffix}" sourceRef="review_${suffix}" targetRef="end_${suffix}" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_${suffix}">
    <bpmndi:BPMNPlane id="plane_${suffix}" bpmnElement="${key}">
      <bpmndi:BPMNShape id="start_${suffix}_di" bpmnElement="start_${suffix}">
        <dc:Bounds x="172" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="review_${suffix}_di" bpmnElement="review_${suffix}">
        <dc:Bounds x="270" y="80" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_${suffix}_di" bpmnElement="end_${suffix}">
        <dc:Bounds x="432" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_a_${suffix}_di" bpmnElement="flow_a_${suffix}">
        <di:waypoint x="208" y="120" /><di:waypoint x="270" y="120" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="flow_b_${suffix}_di" bpmnElement="flow_b_${suffix}">
        <di:waypoint x="370" y="120" /><di:waypoint x="432" y="120" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`,
  };
}

export function newDecision(id = `decision_${randomId()}`) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/"
  xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" id="defs_${id}" name="Decisions" namespace="http://ravand.local/dmn">
  <decision id="${id}" name="Decision">
    <decisionTable id="table_${id}" hitPolicy="FIRST">
      <input id="input_${id}" label="Amount">
        <inputExpression id="expr_${id}" typeRef="number"><text>amount</text></inputExpression>
      </input>
      <output id="output_${id}" label="Approved" name="approved" typeRef="boolean" />
      <rule id="rule_a_${id}">
        <inputEntry id="in_a_${id}"><text>&lt; 1000</text></inputEntry>
        <outputEntry id="out_a_${id}"><text>true</text></outputEntry>
      </rule>
      <rule id="rule_b_${id}">
        <inputEntry id="in_b_${id}"><text>&gt;= 1000</text></inputEntry>
        <outputEntry id="out_b_${id}"><text>false</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
  <dmndi:DMNDI><dmndi:DMNDiagram id="drd_${id}">
    <dmndi:DMNShape id="shape_${id}" dmnElementRef="${id}"><dc:Bounds height="80" width="180" x="160" y="100" /></dmndi:DMNShape>
  </dmndi:DMNDiagram></dmndi:DMNDI>
</definitions>
`;
}

export function newForm(id = `form_${randomId()}`) {
  return {
    id,
    type: 'default',
    schemaVersion: 16,
    components: [
      { id: `${id}_comment`, type: 'textarea', key: 'comment', label: 'Comment', validate: { maxLength: 2000 } },
      { id: `${id}_approved`, type: 'checkbox', key: 'approved', label: 'Approved' },
    ],
  };
}
